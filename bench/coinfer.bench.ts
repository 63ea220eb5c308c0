/**
 * `npm run bench -- coinfer [--devices N] [--requests M] [--bandwidths 1,10,100] [--latency-ms L] [--slowdown S] [--deadline-s D]`:
 * the edge-to-cloud testbed on loopback, comparing edge-only, raw offload, spike split computing, and spike split
 * with early exit (mode `steps`: one time step per message, max-softmax > 0.5; the server keeps each open request's
 * steps, so concurrent devices also load its per-connection bookkeeping).
 *
 * Model: spiking ResNet-18, width 1/16, T = 2, bottleneck at RB2 with 2 channels, fresh weights (seed 0):
 * timings, not accuracy. Images: the embedded CIFAR-10 sample, one per request.
 * Server: `spikesplit serve` in a child process on 127.0.0.1 (port picked by the OS), one per bandwidth,
 * with the same emulated link on its replies as the devices have on their requests (application-level token
 * bucket, lib/coinfer/link.ts; each device its own link, seeded by its index). Devices: N clients in this
 * process, each sending M requests one after another (closed loop), all N at once. Edge-only runs the whole
 * model here as one device sending N x M requests one after another (N in-process devices would only take
 * turns on this thread); its throughput is that of one device. Bounded: no request starts after the deadline, and each has a 15 s reply timeout;
 * the server process stops itself after 5 minutes if not told to sooner. Before each scenario every device runs
 * one untimed request (kernel warm-up). Device, transfer and server columns are means in ms; transfer is the
 * round trip minus the server's own time, so it includes time a reply waits while another device in this
 * process computes.
 * `lost` counts requests sent without a successful reply; the bench fails if any was lost.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  buildTestbedModel,
  CIFAR10_NORMALIZATION,
  createDevice,
  describeLink,
  imageBatch,
  inferEdgeOnly,
  initBackend,
  loadCifar10,
  startServeProcess,
  summarizeLatencies,
  wholeModel,
  type DeviceClient,
  type ExitRule,
  type InferenceMode,
  type InferenceResult,
  type LinkConfig,
  type ServeProcess,
  type TestbedModelSpec,
} from 'spikesplit';
import { printTable, Row, writeResult } from './report';

const SPEC: TestbedModelSpec = {
  model: 'resnet18',
  width: 1 / 16,
  T: 2,
  classes: 10,
  splitPoint: 'RB2',
  channels: 2,
  seed: 0,
};
const TOKEN = 'coinfer-bench';
const REPLY_TIMEOUT_MS = 15_000;
const EXIT: ExitRule = { threshold: 0.5, confidence: 'max-softmax' };

interface Settings {
  devices: number;
  requests: number;
  bandwidthsMbps: number[];
  latencyMs: number;
  slowdown: number;
  deadlineS: number;
}

function parseSettings(args: string[]): Settings {
  const settings: Settings = {
    devices: 4,
    requests: 8,
    bandwidthsMbps: [1, 10, 100],
    latencyMs: 5,
    slowdown: 1,
    deadlineS: 20,
  };
  const limits: Record<string, [number, number]> = {
    devices: [1, 32],
    requests: [1, 1000],
    latencyMs: [0, 1000],
    slowdown: [1, 100],
    deadlineS: [1, 120],
  };
  for (let k = 0; k < args.length; k += 2) {
    const [flag, value] = [args[k], args[k + 1]];
    const key = flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (key === 'bandwidths') {
      settings.bandwidthsMbps = (value ?? '').split(',').map(Number);
      if (settings.bandwidthsMbps.some((b) => !(b > 0 && b <= 1e5)))
        throw new RangeError(`--bandwidths: expected Mbit/s values in (0, 100000] separated by commas, got '${value}'`);
    } else if (key in limits) {
      const n = Number(value);
      const [min, max] = limits[key];
      if (!(n >= min && n <= max) || (key !== 'slowdown' && key !== 'latencyMs' && !Number.isInteger(n)))
        throw new RangeError(`${flag}: expected a number in [${min}, ${max}], got '${value}'`);
      (settings as unknown as Record<string, number>)[key] = n;
    } else {
      throw new RangeError(
        `unknown option '${flag}'; expected --devices, --requests, --bandwidths, --latency-ms, --slowdown, --deadline-s`,
      );
    }
  }
  return settings;
}

/**
 * Starts `spikesplit serve` with `link` on its replies, for `devices` connections: they all come from 127.0.0.1,
 * so the cap on connections per address (default 8; the bench takes up to 32 devices) is set to their number.
 */
function startServer(link: LinkConfig, devices: number): Promise<ServeProcess> {
  const options = [
    '--latency-ms',
    String(link.latencyMs ?? 0),
    '--bandwidth-mbps',
    String(link.bandwidthMbps),
    '--max-connections-per-address',
    String(devices),
  ];
  return startServeProcess(options, { token: TOKEN });
}

interface ScenarioOutcome {
  results: InferenceResult[];
  sent: number;
  errors: string[];
  wallS: number;
}

/** N closed loops of M requests each; `infer(device, request)` runs one. */
async function closedLoops(
  settings: Settings,
  infer: (device: number, request: number) => Promise<InferenceResult>,
): Promise<ScenarioOutcome> {
  const deadline = performance.now() + settings.deadlineS * 1000;
  const results: InferenceResult[] = [];
  const errors: string[] = [];
  let sent = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: settings.devices }, async (_, d) => {
      for (let r = 0; r < settings.requests && performance.now() < deadline; r++) {
        sent++;
        try {
          results.push(await infer(d, r));
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
    }),
  );
  return { results, sent, errors, wallS: (performance.now() - start) / 1000 };
}

function row(mode: InferenceMode, bandwidth: string, settings: Settings, outcome: ScenarioOutcome): Row {
  const { results, sent, wallS } = outcome;
  const latency = results.length > 0 ? summarizeLatencies(results.map((r) => r.timing.endToEndMs)) : null;
  const mean = (pick: (r: InferenceResult) => number) =>
    results.length > 0 ? results.reduce((s, r) => s + pick(r), 0) / results.length : null;
  return {
    mode,
    bandwidthMbps: bandwidth,
    devices: settings.devices,
    sent,
    lost: sent - results.length,
    throughputRps: results.length / wallS,
    p50Ms: latency?.p50Ms ?? null,
    p95Ms: latency?.p95Ms ?? null,
    p99Ms: latency?.p99Ms ?? null,
    bytesPerRequest: mean((r) => r.bytesSent),
    messagesPerRequest: mean((r) => r.messages),
    deviceMs: mean((r) => r.timing.deviceComputeMs),
    transferMs: mean((r) => r.timing.transferMs),
    serverMs: mean((r) => r.timing.serverQueueMs + r.timing.serverDecodeMs + r.timing.serverComputeMs),
  };
}

export async function main(args: string[]): Promise<void> {
  const settings = parseSettings(args);
  await initBackend('wasm', () => undefined);
  const data = await loadCifar10({ split: 'test', source: 'sample', progress: false });
  const images = Array.from({ length: settings.requests }, (_, r) =>
    imageBatch(data, [r % data.count], { normalization: CIFAR10_NORMALIZATION }),
  );
  const pixels = Array.from({ length: settings.requests }, (_, r) => data.subset([r % data.count]).images); // [1, 32, 32, 3] uint8
  const shape = [1, data.height, data.width, data.channels];
  const built = buildTestbedModel(SPEC);
  const whole = wholeModel(built.model);
  const rows: Row[] = [];
  const links: Record<string, string> = { edge: 'none (edge-only)' };
  const lostMessages: string[] = [];
  try {
    console.log(`${built.model.name}, width ${SPEC.width}, T ${SPEC.T}, ${built.source}`);
    console.log(
      `${settings.devices} devices x ${settings.requests} requests of 1 image; device slowdown x${settings.slowdown}; deadline ${settings.deadlineS} s per scenario`,
    );
    await inferEdgeOnly(whole, images[0].images); // warm-up
    const oneDevice = { ...settings, devices: 1, requests: settings.devices * settings.requests };
    const edge = await closedLoops(oneDevice, (_, r) =>
      inferEdgeOnly(whole, images[r % images.length].images, { slowdown: settings.slowdown }),
    );
    rows.push(row('edge', '-', oneDevice, edge));
    lostMessages.push(...edge.errors);
    for (const bandwidthMbps of settings.bandwidthsMbps) {
      const link: LinkConfig = { bandwidthMbps, latencyMs: settings.latencyMs };
      links[`${bandwidthMbps}`] = describeLink(link);
      const server = await startServer(link, settings.devices);
      const clients: DeviceClient[] = [];
      try {
        for (let d = 0; d < settings.devices; d++) {
          clients.push(
            await createDevice({
              url: server.url,
              token: TOKEN,
              head: built.head,
              link: { ...link, seed: d },
              slowdown: settings.slowdown,
              timeoutMs: REPLY_TIMEOUT_MS,
            }),
          );
        }
        for (const mode of ['raw', 'split', 'steps'] as const) {
          const infer = (c: DeviceClient, r: number) =>
            mode === 'raw'
              ? c.inferRaw(pixels[r], shape)
              : mode === 'split'
                ? c.infer(images[r].images)
                : c.inferEarlyExit(images[r].images, EXIT);
          await Promise.all(clients.map((c) => infer(c, 0))); // warm-up
          const outcome = await closedLoops(settings, (d, r) => infer(clients[d], r));
          rows.push(row(mode, String(bandwidthMbps), settings, outcome));
          lostMessages.push(...outcome.errors);
        }
      } finally {
        await Promise.all(clients.map((c) => c.close()));
        const out = await server.stop();
        const served = /served \d+ requests.*/.exec(out)?.[0];
        console.log(`server at ${bandwidthMbps} Mbit/s: ${served ?? out.trim().split('\n').pop()}`);
      }
    }
  } finally {
    built.dispose();
    for (const b of images) tf.dispose([b.images, b.labels]);
  }
  for (const [bandwidth, text] of Object.entries(links)) console.log(`link ${bandwidth}: ${text}`);
  printTable(rows);
  writeResult('coinfer', {
    settings,
    model: { ...SPEC, source: built.source },
    links,
    serverProcess: 'spikesplit serve (child process)',
    rows,
  });
  if (lostMessages.length > 0)
    throw new Error(`${lostMessages.length} requests were lost: ${lostMessages.slice(0, 3).join('; ')}`);
}
