/**
 * `spikesplit testbed --netns`: the testbed's offloading modes across a real kernel link, beside the same modes
 * over loopback shaped by the application-level token bucket, each row labelled with its link.
 *
 *   kernel link      server and device in two network namespaces joined by a veth pair (lib/coinfer/netns.ts),
 *                    the rate set by `tc tbf` on both ends, over TLS (wss, throwaway certificates); no delay is
 *                    added (this kernel's tc has no netem);
 *   token bucket     server and device on 127.0.0.1 (ws), the rate set by the application-level token bucket
 *                    (lib/coinfer/link.ts) on both sides, no delay added either.
 *
 * Both run the same processes: a `spikesplit serve` child per model and the `spikesplit device` command as a
 * child (in the device namespace for the kernel link), with the testbed's models (the NeuCODEX experiment's)
 * on the CIFAR-10 sample images the device command sends, `requests` per mode after `warmup` untimed ones.
 * The early-exit threshold is the one `spikesplit testbed` last chose (runs/<preset>/testbed.json), else 1 (no
 * early exit). Needs root (ip netns). Writes runs/<preset>/testbed-netns.json.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeTestCertificates } from '../../coinfer/certificates';
import { createNetnsLink, netnsUnavailable } from '../../coinfer/netns';
import { type LatencyIntervals, type LatencySummary } from '../../coinfer/latency-summary';
import { startServeProcess, type ServeProcess } from '../../coinfer/serve-process';
import { writeJsonAtomic } from '../../util/atomic';
import { Progress, type ProgressSink } from '../../util/progress';
import { runsDir } from '../paths';
import type { Preset } from '../preset';
import { provenance, type Provenance } from '../provenance';
import { findTestbedModels, pickCompressed } from './models';
import { readTestbed, type TestbedMode } from './schema';

export interface NetnsTestbedConfig {
  requests: number;
  warmup: number;
  bandwidthsMbps: number[];
  slowdown: number;
}

export type NetnsLinkKind = 'kernel link (veth, tc tbf, TLS)' | 'loopback, application token bucket';

export interface NetnsTestbedRow {
  mode: Exclude<TestbedMode, 'edge-only'>;
  bandwidthMbps: number;
  link: NetnsLinkKind;
  /** What shaped it: `tc tbf 10 Mbit/s on both ends` (or why not), or the token bucket. */
  shaping: string;
  latency: LatencySummary;
  /** 95% bootstrap intervals over the requests of p50, p95 and p99. */
  latencyIntervals: LatencyIntervals;
  bytesPerRequest: number;
}

export interface NetnsTestbed extends Provenance {
  config: NetnsTestbedConfig;
  threshold: { value: number; from: string };
  data: string;
  rows: NetnsTestbedRow[];
  wallSeconds: number;
}

export const netnsTestbedFile = (preset: string) => path.join(runsDir(preset), 'testbed-netns.json');

/** What `spikesplit device --json` prints. */
interface DeviceSummary {
  latency: LatencySummary;
  latencyIntervals: LatencyIntervals;
  bytesPerRequest: number;
  data: string;
}

const CLI = path.resolve(__dirname, '..', '..', '..', 'scripts', 'cli.js');

/** Runs `spikesplit device ... --json` (under `prefix`) and returns its summary; throws with its stderr on failure. */
function runDevice(prefix: string[], args: string[], token: string): Promise<DeviceSummary> {
  return new Promise((resolve, reject) => {
    const argv = [...prefix, process.execPath, CLI, 'device', ...args, '--json'];
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SPIKESPLIT_TOKEN: token },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout))
        : reject(new Error(`spikesplit device ${args.join(' ')} failed (${code}): ${stderr.trim()}`)),
    );
  });
}

/** A model's server and the device modes measured through it: [row mode, `spikesplit device --mode`]. */
interface Served {
  spec: string;
  extra: string[];
  modes: readonly (readonly [NetnsTestbedRow['mode'], 'raw' | 'split' | 'exit'])[];
}

/** One run: its settings, threshold, token and models, and the rows so far. */
interface NetnsRun {
  config: NetnsTestbedConfig;
  threshold: { value: number; from: string };
  token: string;
  served: Served[];
  /** Throwaway TLS certificates go here. */
  dir: string;
  progress: Progress;
  rows: NetnsTestbedRow[];
  /** The images the device command sends, as it describes them. */
  data: string;
}

/** The device options every row shares. */
function commonArgs(run: NetnsRun, spec: string): string[] {
  const { config, threshold } = run;
  return [
    '--spec',
    spec,
    '--requests',
    String(config.requests),
    '--warmup',
    String(config.warmup),
    '--slowdown',
    String(config.slowdown),
    '--threshold',
    String(threshold.value),
  ];
}

/** For each served model: its server (`start`), then each of its modes through the device (`device`), one row each. */
async function serveAndMeasure(
  run: NetnsRun,
  start: (s: Served) => Promise<ServeProcess>,
  device: (s: Served, server: ServeProcess, deviceMode: string) => Promise<DeviceSummary>,
  row: (mode: NetnsTestbedRow['mode'], r: DeviceSummary) => NetnsTestbedRow,
): Promise<void> {
  for (const s of run.served) {
    const server = await start(s);
    try {
      for (const [mode, deviceMode] of s.modes) {
        const r = await device(s, server, deviceMode);
        run.rows.push(row(mode, r));
        run.progress.tick();
      }
    } finally {
      await server.stop();
    }
  }
}

const measured = (r: DeviceSummary) => ({
  latency: r.latency,
  latencyIntervals: r.latencyIntervals,
  bytesPerRequest: r.bytesPerRequest,
});

/** Every mode at `bandwidthMbps` across two network namespaces joined by veth, shaped by tc tbf, over TLS. */
async function kernelLinkRows(run: NetnsRun, bandwidthMbps: number): Promise<void> {
  const link = createNetnsLink(`ss-testbed-${process.pid}`, { rateMbps: bandwidthMbps });
  try {
    const certs = writeTestCertificates(run.dir, link.serverAddress);
    const tls = ['--host', link.serverAddress, '--tls-cert', certs.serverCert, '--tls-key', certs.serverKey];
    await serveAndMeasure(
      run,
      (s) =>
        startServeProcess(['--spec', s.spec, ...s.extra, ...tls], {
          token: run.token,
          prefix: link.prefix(link.serverNs),
        }),
      (s, server, deviceMode) =>
        runDevice(
          link.prefix(link.deviceNs),
          ['--server', server.url, '--ca', certs.caCert, '--mode', deviceMode, ...commonArgs(run, s.spec)],
          run.token,
        ),
      (mode, r) => {
        run.data = r.data; // what the device command sends, in its words
        return {
          mode,
          bandwidthMbps,
          link: 'kernel link (veth, tc tbf, TLS)',
          shaping: link.shaping,
          ...measured(r),
        };
      },
    );
  } finally {
    link.destroy();
  }
}

/** Every mode at `bandwidthMbps` on loopback, shaped by the application-level token bucket. */
async function tokenBucketRows(run: NetnsRun, bandwidthMbps: number): Promise<void> {
  const bucket = ['--bandwidth-mbps', String(bandwidthMbps)];
  await serveAndMeasure(
    run,
    (s) => startServeProcess(['--spec', s.spec, ...s.extra, ...bucket], { token: run.token }),
    (s, server, deviceMode) =>
      runDevice([], ['--server', server.url, '--mode', deviceMode, ...bucket, ...commonArgs(run, s.spec)], run.token),
    (mode, r) => ({
      mode,
      bandwidthMbps,
      link: 'loopback, application token bucket',
      shaping: `token bucket ${bandwidthMbps} Mbit/s each way`,
      ...measured(r),
    }),
  );
}

/** The threshold `spikesplit testbed` last chose, else 1 (no early exit). */
function lastThreshold(preset: Preset): { value: number; from: string } {
  const last = readTestbed(preset.name);
  if (last === null) return { value: 1, from: "none chosen yet (run 'spikesplit testbed' first): 1, no early exit" };
  const revision = last.gitRevision.slice(0, 7);
  return {
    value: last.earlyExit.threshold,
    from: `chosen by the last 'spikesplit testbed' run (revision ${revision})`,
  };
}

/** The testbed's models as served: the split model (raw offload, spike split) and the compressed one (early exit). */
function servedModels(preset: Preset): Served[] {
  const found = findTestbedModels(preset.name);
  const compressed = pickCompressed(found.compressed);
  const splitModes = [
    ['raw-offload', 'raw'],
    ['spike-split', 'split'],
  ] as const;
  return [
    { spec: found.split.file, extra: ['--backbone', found.backboneDir], modes: splitModes },
    { spec: compressed.file, extra: [], modes: [['spike-split-tc-exit', 'exit']] as const },
  ];
}

/** Runs every mode at each bandwidth across the kernel link and beside it with the token bucket; writes the result. */
export async function runNetnsTestbed(
  preset: Preset,
  options: { config?: NetnsTestbedConfig; sink?: ProgressSink } = {},
): Promise<NetnsTestbed> {
  const unavailable = netnsUnavailable();
  if (unavailable) throw new Error(`testbed --netns: ${unavailable}`);
  const startMs = Date.now();
  const base = preset.testbed;
  const config = options.config ?? {
    requests: base.requests,
    warmup: 1,
    bandwidthsMbps: base.bandwidthsMbps,
    slowdown: base.slowdown,
  };
  const served = servedModels(preset);
  const threshold = lastThreshold(preset);
  const token = `netns-${process.pid}-${Date.now()}`;
  const progress = new Progress(2 * 3 * config.bandwidthsMbps.length, {
    label: `testbed --netns ${preset.name}`,
    unit: 'device runs',
    sink: options.sink,
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-netns-'));
  const run: NetnsRun = { config, threshold, token, served, dir, progress, rows: [], data: '' };
  try {
    for (const bandwidthMbps of config.bandwidthsMbps) {
      await kernelLinkRows(run, bandwidthMbps);
      await tokenBucketRows(run, bandwidthMbps);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  progress.done();
  const result: NetnsTestbed = {
    ...provenance(preset.name, base.seed),
    config,
    threshold,
    data: `${run.data}, ${config.requests} requests of one image per row after ${config.warmup} untimed`,
    rows: run.rows,
    wallSeconds: (Date.now() - startMs) / 1000,
  };
  writeJsonAtomic(netnsTestbedFile(preset.name), result);
  return result;
}
