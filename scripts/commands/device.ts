/** `spikesplit device`: the edge side of the testbed: sends CIFAR-10 sample images to a `serve` (ws:// on loopback, or wss://). */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs-core';
import {
  CIFAR10_NORMALIZATION,
  createDevice,
  describeLink,
  EXIT_CONFIDENCES,
  imageBatch,
  inferEdgeOnly,
  initBackend,
  latencyIntervals,
  loadCifar10,
  percentWithInterval,
  summarizeLatencies,
  wholeModel,
  wilsonInterval,
  withInterval,
  meanRequestTiming,
  type DeviceClient,
  type ExitRule,
  type ImageDataset,
  type InferenceResult,
  type LinkConfig,
  type TestbedModel,
  type WholeModel,
} from 'spikesplit';
import { choiceOption, flagOption, numberOption, stringOption, UsageError, type Command, type Values } from './command';
import {
  buildBackboneOption,
  buildModelOption,
  linkConfig,
  linkOptions,
  testbedModelOptions,
  testbedModelSpec,
  tokenOption,
  tokenOptions,
} from './serve';

function readCa(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new UsageError(`--ca: cannot read ${file}: ${(err as Error).message}`);
  }
}

const MODES = ['split', 'exit', 'raw', 'edge'] as const;
const LOOPBACK_HOSTS = ['127.0.0.1', '[::1]', 'localhost'];

/** `--server`: wss:// to any host, or ws:// to loopback only (off loopback the data would cross in clear). */
function serverUrl(raw: unknown): string {
  if (typeof raw !== 'string')
    throw new UsageError('--server: expected a URL such as ws://127.0.0.1:8765 or wss://host:8765');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--server: '${raw}' is not a URL; expected e.g. ws://127.0.0.1:8765 or wss://host:8765`);
  }
  if (url.protocol === 'wss:') return raw;
  if (url.protocol !== 'ws:' || !LOOPBACK_HOSTS.includes(url.hostname)) {
    throw new UsageError(
      `--server: '${raw}' is neither wss:// nor ws:// on loopback (${LOOPBACK_HOSTS.join(', ')}); plain ws:// would cross the network in clear`,
    );
  }
  return raw;
}

type Mode = (typeof MODES)[number];

/** What `spikesplit device` was asked to do, its options read and checked. */
interface DeviceSettings {
  spec: ReturnType<typeof testbedModelSpec>;
  mode: Mode;
  requests: number;
  warmup: number;
  batch: number;
  slowdown: number;
  coding: 'packed' | 'entropy';
  exit: ExitRule;
  link: LinkConfig;
  /** undefined for edge-only. */
  url: string | undefined;
  ca: Buffer | undefined;
  token: string;
}

function deviceSettings(values: Values): DeviceSettings {
  const spec = testbedModelSpec(values);
  const mode = choiceOption(values, 'mode', MODES, 'split');
  const requests = numberOption(values, 'requests', 10, { min: 1, max: 100_000, integer: true });
  const warmup = numberOption(values, 'warmup', 0, { min: 0, max: 1000, integer: true });
  const batch = numberOption(values, 'batch', 1, { min: 1, max: 256, integer: true });
  const slowdown = numberOption(values, 'slowdown', 1, { min: 1, max: 1000 });
  const coding = choiceOption(values, 'coding', ['packed', 'entropy'] as const, 'packed');
  const exit = {
    threshold: numberOption(values, 'threshold', 0.9, { min: 0, max: 1 }),
    confidence: choiceOption(values, 'confidence', EXIT_CONFIDENCES, 'max-softmax'),
  };
  const link = linkConfig(values);
  const url = mode === 'edge' ? undefined : serverUrl(values.server);
  if (values.ca !== undefined && !url?.startsWith('wss:'))
    throw new UsageError('--ca: only a wss:// --server is checked against a certificate authority');
  const ca = typeof values.ca === 'string' ? readCa(values.ca) : undefined;
  const token = mode === 'edge' ? '' : tokenOption(values);
  if (values.backbone !== undefined && mode !== 'edge')
    throw new UsageError(
      `--backbone: only --mode edge runs the backbone on the device; with --mode ${mode} give it to the server (spikesplit serve --backbone)`,
    );
  return { spec, mode, requests, warmup, batch, slowdown, coding, exit, link, url, ca, token };
}

/** Sends `warmup` untimed requests, then `requests` recorded ones, each `batch` images; counts the correct predictions. */
async function sendRequests(
  s: DeviceSettings,
  data: ImageDataset,
  built: TestbedModel,
  edgeModel: WholeModel,
): Promise<{ results: InferenceResult[]; correct: number }> {
  const { url, token, ca, coding, link, slowdown, batch } = s;
  const client =
    url === undefined ? undefined : await createDevice({ url, token, ca, head: built.head, coding, link, slowdown });
  const results: InferenceResult[] = [];
  let correct = 0;
  try {
    for (let r = -s.warmup; r < s.requests; r++) {
      const indices = Array.from({ length: batch }, (_, k) => (Math.max(r, 0) * batch + k) % data.count);
      const { images, labels } = imageBatch(data, indices, { normalization: CIFAR10_NORMALIZATION });
      try {
        const result = client
          ? await request(client, s, images, () => data.subset(indices).images, data)
          : await inferEdgeOnly(edgeModel, images, { slowdown });
        if (r < 0) continue; // a warm-up request
        const truth = labels.dataSync();
        correct += result.predictions.filter((p, k) => p === truth[k]).length;
        results.push(result);
      } finally {
        tf.dispose([images, labels]);
      }
    }
  } finally {
    await client?.close();
  }
  return { results, correct };
}

/** One request through the server in the link's modes: raw pixels, all steps in one frame, or early exit. */
function request(
  client: DeviceClient,
  s: DeviceSettings,
  images: tf.Tensor,
  pixels: () => Uint8Array,
  data: ImageDataset,
): Promise<InferenceResult> {
  if (s.mode === 'raw') return client.inferRaw(pixels(), [s.batch, data.height, data.width, data.channels]);
  if (s.mode === 'exit') return client.inferEarlyExit(images, s.exit);
  return client.infer(images);
}

type DeviceSummary = ReturnType<typeof deviceSummary>;

/** What the run measured, as `--json` prints it. */
function deviceSummary(
  s: DeviceSettings,
  models: { built: TestbedModel; backbone?: { source: string }; data: string },
  results: InferenceResult[],
  correct: number,
) {
  const { mode, spec, requests, batch } = s;
  const latenciesMs = results.map((r) => r.timing.endToEndMs);
  const mean = (pick: (r: InferenceResult) => number) => results.reduce((sum, r) => sum + pick(r), 0) / results.length;
  return {
    mode,
    model: `${mode === 'edge' && models.backbone ? spec.model : models.built.name} (width ${spec.width}, T ${spec.T})`,
    weights: models.backbone?.source ?? models.built.source,
    exit: mode === 'exit' ? s.exit : undefined,
    meanStepsUsed: mean((r) => r.steps),
    link: mode === 'edge' ? 'none (edge-only)' : describeLink(s.link),
    slowdown: s.slowdown,
    data: models.data,
    requests,
    batch,
    accuracy: correct / (requests * batch),
    bytesPerRequest: mean((r) => r.bytesSent),
    latency: summarizeLatencies(latenciesMs),
    // 95% bootstrap intervals over the requests (seeded: the same latencies give the same intervals).
    latencyIntervals: latencyIntervals(latenciesMs, { seed: 1 }),
    meanTiming: meanRequestTiming(results),
  };
}

function printSummary(summary: DeviceSummary, correct: number): void {
  const { latency, requests, batch } = summary;
  console.log(`mode ${summary.mode}: ${summary.model}, ${requests} requests of ${batch} image(s) from ${summary.data}`);
  console.log(`model: ${summary.weights}`);
  console.log(`link (requests): ${summary.link}; device slowdown x${summary.slowdown}`);
  const images = requests * batch;
  const accuracy = percentWithInterval(summary.accuracy, wilsonInterval(correct, images));
  console.log(
    `accuracy ${accuracy}% (95% Wilson interval, ${images} images), ${summary.bytesPerRequest} bytes per request`,
  );
  const f = (ms: number) => ms.toFixed(2);
  const i = summary.latencyIntervals;
  const p = (k: 'p50Ms' | 'p95Ms' | 'p99Ms') => withInterval(latency[k], i[k], 2);
  console.log(
    `end to end ms [95% bootstrap interval]: p50 ${p('p50Ms')}  p95 ${p('p95Ms')}  p99 ${p('p99Ms')}  mean ${f(latency.meanMs)}`,
  );
  const parts = Object.entries(summary.meanTiming).map(([k, v]) => `${k} ${f(v)}`);
  console.log(`mean ms: ${parts.join(', ')}`);
}

export const device: Command = {
  name: 'device',
  summary:
    'Run the edge side: split computing, raw offload or edge-only on CIFAR-10 sample images; prints latency percentiles.',
  options: {
    ...testbedModelOptions,
    ...linkOptions,
    ...tokenOptions,
    server: stringOption(
      'ws://127.0.0.1:<port> or wss://<host>:<port> of a running `spikesplit serve` (not needed for --mode edge)',
    ),
    ca: stringOption(
      "wss://: PEM certificate of the authority the server's certificate must chain to; default: the system's",
    ),
    mode: stringOption(`${MODES.join(' | ')} (exit: split with early exit, one sent step per message); default split`),
    threshold: stringOption('early exit: exit once the confidence exceeds this, in [0, 1]; default 0.9'),
    confidence: stringOption(`early exit: ${EXIT_CONFIDENCES.join(' | ')}; default max-softmax`),
    backbone: stringOption(
      'edge mode: directory holding weights.json/.bin of the backbone alone, which edge-only then runs; default: the split model whole',
    ),
    requests: stringOption('requests sent one after another; default 10'),
    warmup: stringOption('untimed requests sent before them (not in the results); default 0'),
    batch: stringOption('images per request; default 1'),
    slowdown: stringOption(
      'the device is this many times slower: measured device compute x slowdown, the difference waited; default 1',
    ),
    coding: stringOption('frame coding: packed | entropy; default packed'),
    json: flagOption('print the results as JSON'),
  },
  async run(values) {
    const settings = deviceSettings(values);
    await initBackend(undefined, () => undefined);
    const data = await loadCifar10({ split: 'test', source: 'sample', progress: false });
    const built = buildModelOption(settings.spec);
    let backbone: ReturnType<typeof buildBackboneOption> | undefined;
    try {
      backbone = typeof values.backbone === 'string' ? buildBackboneOption(settings.spec, values.backbone) : undefined;
      const edgeModel = wholeModel(backbone?.backbone ?? built.compressed ?? built.model);
      const { results, correct } = await sendRequests(settings, data, built, edgeModel);
      const summary = deviceSummary(settings, { built, backbone, data: data.source }, results, correct);
      if (values.json) console.log(JSON.stringify(summary, null, 2));
      else printSummary(summary, correct);
    } finally {
      backbone?.backbone.dispose();
      built.dispose();
    }
  },
};
