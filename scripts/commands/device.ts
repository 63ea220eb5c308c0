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
  type InferenceResult,
  type RequestTiming,
} from 'spikesplit';
import { choiceOption, flagOption, numberOption, stringOption, UsageError, type Command } from './command';
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
    await initBackend(undefined, () => undefined);
    const data = await loadCifar10({ split: 'test', source: 'sample', progress: false });
    const built = buildModelOption(spec);
    if (values.backbone !== undefined && mode !== 'edge')
      throw new UsageError(
        `--backbone: only --mode edge runs the backbone on the device; with --mode ${mode} give it to the server (spikesplit serve --backbone)`,
      );
    const backbone = typeof values.backbone === 'string' ? buildBackboneOption(spec, values.backbone) : undefined;
    const edgeModel = wholeModel(backbone?.backbone ?? built.compressed ?? built.model);
    const results: InferenceResult[] = [];
    let correct = 0;
    try {
      const client =
        url === undefined
          ? undefined
          : await createDevice({ url, token, ca, head: built.head, coding, link, slowdown });
      try {
        for (let r = -warmup; r < requests; r++) {
          const indices = Array.from({ length: batch }, (_, k) => (Math.max(r, 0) * batch + k) % data.count);
          const { images, labels } = imageBatch(data, indices, { normalization: CIFAR10_NORMALIZATION });
          try {
            const result = !client
              ? await inferEdgeOnly(edgeModel, images, { slowdown })
              : mode === 'raw'
                ? await client.inferRaw(data.subset(indices).images, [batch, data.height, data.width, data.channels])
                : mode === 'exit'
                  ? await client.inferEarlyExit(images, exit)
                  : await client.infer(images);
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
    } finally {
      backbone?.backbone.dispose();
      built.dispose();
    }
    const latenciesMs = results.map((r) => r.timing.endToEndMs);
    const latency = summarizeLatencies(latenciesMs);
    const meanTiming = Object.fromEntries(
      (Object.keys(results[0].timing) as (keyof RequestTiming)[]).map((k) => [
        k,
        results.reduce((s, r) => s + r.timing[k], 0) / results.length,
      ]),
    ) as unknown as RequestTiming;
    const summary = {
      mode,
      model: `${mode === 'edge' && backbone ? spec.model : built.name} (width ${spec.width}, T ${spec.T})`,
      weights: backbone?.source ?? built.source,
      exit: mode === 'exit' ? exit : undefined,
      meanStepsUsed: results.reduce((s, r) => s + r.steps, 0) / results.length,
      link: mode === 'edge' ? 'none (edge-only)' : describeLink(link),
      slowdown,
      data: data.source,
      requests,
      batch,
      accuracy: correct / (requests * batch),
      bytesPerRequest: results.reduce((s, r) => s + r.bytesSent, 0) / results.length,
      latency,
      // 95% bootstrap intervals over the requests (seeded: the same latencies give the same intervals).
      latencyIntervals: latencyIntervals(latenciesMs, { seed: 1 }),
      meanTiming,
    };
    if (values.json) {
      console.log(JSON.stringify(summary, null, 2));
      return;
    }
    console.log(`mode ${mode}: ${summary.model}, ${requests} requests of ${batch} image(s) from ${summary.data}`);
    console.log(`model: ${summary.weights}`);
    console.log(`link (requests): ${summary.link}; device slowdown x${slowdown}`);
    const images = requests * batch;
    console.log(
      `accuracy ${percentWithInterval(summary.accuracy, wilsonInterval(correct, images))}% (95% Wilson interval, ${images} images), ${summary.bytesPerRequest} bytes per request`,
    );
    const f = (ms: number) => ms.toFixed(2);
    const i = summary.latencyIntervals;
    console.log(
      `end to end ms [95% bootstrap interval]: p50 ${withInterval(latency.p50Ms, i.p50Ms, 2)}  p95 ${withInterval(latency.p95Ms, i.p95Ms, 2)}  p99 ${withInterval(latency.p99Ms, i.p99Ms, 2)}  mean ${f(latency.meanMs)}`,
    );
    console.log(
      `mean ms: ${Object.entries(meanTiming)
        .map(([k, v]) => `${k} ${f(v)}`)
        .join(', ')}`,
    );
  },
};
