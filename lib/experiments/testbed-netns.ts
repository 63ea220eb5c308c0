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
import { writeTestCertificates } from '../coinfer/certificates';
import { createNetnsLink, netnsUnavailable } from '../coinfer/netns';
import { type LatencyIntervals, type LatencySummary } from '../coinfer/latency-summary';
import { startServeProcess } from '../coinfer/serve-process';
import { writeJsonAtomic } from '../util/atomic';
import { Progress, type ProgressSink } from '../util/progress';
import { runsDir } from './paths';
import type { Preset } from './preset';
import { provenance, type Provenance } from './provenance';
import { findTestbedModels, readTestbed, TESTBED_CONFIGS, type TestbedMode } from './testbed';

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

const CLI = path.resolve(__dirname, '..', '..', 'scripts', 'cli.js');

/** Runs `spikesplit device ... --json` (under `prefix`) and returns its summary; throws with its stderr on failure. */
function runDevice(
  prefix: string[],
  args: string[],
  token: string,
): Promise<{ latency: LatencySummary; latencyIntervals: LatencyIntervals; bytesPerRequest: number; data: string }> {
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

export async function runNetnsTestbed(
  preset: Preset,
  options: { config?: NetnsTestbedConfig; sink?: ProgressSink } = {},
): Promise<NetnsTestbed> {
  const unavailable = netnsUnavailable();
  if (unavailable) throw new Error(`testbed --netns: ${unavailable}`);
  const startMs = Date.now();
  const base = TESTBED_CONFIGS[preset.name];
  const config = options.config ?? {
    requests: base.requests,
    warmup: 1,
    bandwidthsMbps: base.bandwidthsMbps,
    slowdown: base.slowdown,
  };
  const found = findTestbedModels(preset.name);
  const compressed = found.compressed.find((c) => c.spec.sentSteps! >= 2) ?? found.compressed[0];
  const last = readTestbed(preset.name);
  const threshold = last
    ? {
        value: last.earlyExit.threshold,
        from: `chosen by the last 'spikesplit testbed' run (revision ${last.gitRevision.slice(0, 7)})`,
      }
    : { value: 1, from: "none chosen yet (run 'spikesplit testbed' first): 1, no early exit" };
  const token = `netns-${process.pid}-${Date.now()}`;
  const served = [
    {
      spec: found.split.file,
      extra: ['--backbone', found.backboneDir],
      modes: [
        ['raw-offload', 'raw'],
        ['spike-split', 'split'],
      ] as const,
    },
    { spec: compressed.file, extra: [], modes: [['spike-split-tc-exit', 'exit']] as const },
  ];
  const progress = new Progress(2 * 3 * config.bandwidthsMbps.length, {
    label: `testbed --netns ${preset.name}`,
    unit: 'device runs',
    sink: options.sink,
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-netns-'));
  const rows: NetnsTestbedRow[] = [];
  let data = '';
  const common = (spec: string) => [
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
  try {
    for (const bandwidthMbps of config.bandwidthsMbps) {
      const link = createNetnsLink(`ss-testbed-${process.pid}`, { rateMbps: bandwidthMbps });
      try {
        const certs = writeTestCertificates(dir, link.serverAddress);
        for (const s of served) {
          const server = await startServeProcess(
            [
              '--spec',
              s.spec,
              ...s.extra,
              '--host',
              link.serverAddress,
              '--tls-cert',
              certs.serverCert,
              '--tls-key',
              certs.serverKey,
            ],
            { token, prefix: link.prefix(link.serverNs) },
          );
          try {
            for (const [mode, deviceMode] of s.modes) {
              const r = await runDevice(
                link.prefix(link.deviceNs),
                ['--server', server.url, '--ca', certs.caCert, '--mode', deviceMode, ...common(s.spec)],
                token,
              );
              rows.push({
                mode,
                bandwidthMbps,
                link: 'kernel link (veth, tc tbf, TLS)',
                shaping: link.shaping,
                latency: r.latency,
                latencyIntervals: r.latencyIntervals,
                bytesPerRequest: r.bytesPerRequest,
              });
              data = r.data;
              progress.tick();
            }
          } finally {
            await server.stop();
          }
        }
      } finally {
        link.destroy();
      }
      const bucket = ['--bandwidth-mbps', String(bandwidthMbps)];
      for (const s of served) {
        const server = await startServeProcess(['--spec', s.spec, ...s.extra, ...bucket], { token });
        try {
          for (const [mode, deviceMode] of s.modes) {
            const r = await runDevice(
              [],
              ['--server', server.url, '--mode', deviceMode, ...bucket, ...common(s.spec)],
              token,
            );
            rows.push({
              mode,
              bandwidthMbps,
              link: 'loopback, application token bucket',
              shaping: `token bucket ${bandwidthMbps} Mbit/s each way`,
              latency: r.latency,
              latencyIntervals: r.latencyIntervals,
              bytesPerRequest: r.bytesPerRequest,
            });
            progress.tick();
          }
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  progress.done();
  const result: NetnsTestbed = {
    ...provenance(preset.name, base.seed),
    config,
    threshold,
    data: `${data}, ${config.requests} requests of one image per row after ${config.warmup} untimed`,
    rows,
    wallSeconds: (Date.now() - startMs) / 1000,
  };
  writeJsonAtomic(netnsTestbedFile(preset.name), result);
  return result;
}
