/**
 * The edge-to-cloud testbed (issue #9): measured end-to-end latency of NeuCODEX's four ways to classify an
 * image on a weak edge device next to a server, over an emulated link at a few bandwidths:
 *
 *   edge-only          the backbone alone on the device (slowed down), no network
 *   raw offload        the device sends the image's uint8 pixels; the server runs the backbone
 *   spike split        the device runs the split model's head and sends all T steps of spikes in one frame
 *   spike split + TC + early exit   the device runs the head of the model with learned temporal compression
 *                      (T' sent steps) and sends one sent step per message; the server runs the tail on the
 *                      steps so far and answers after each whether every image has exited (NeuCODEX's rule)
 *
 * The server is a real `spikesplit serve` child process on 127.0.0.1, one per model and bandwidth (the reply
 * link is set when it starts); the device runs in this process. Both directions get the same emulated link
 * (bandwidth, one-way latency), applied by the application-level token bucket (lib/coinfer/link.ts; the
 * output reports the tc probe, lib/coinfer/shaping.ts). The device is `slowdown` times slower than this
 * machine: its compute is measured here and the difference waited (lib/coinfer/device-speed.ts).
 *
 * Models: the NeuCODEX experiment's trained models under `runs/<preset>/neucodex/resnet18-static/`: `backbone/`
 * (weights of the backbone alone), `T<T>/` (the split model sending every step) and `T<T'>/` for T' < T (with
 * temporal compression), each `T*` holding `spec.json` (a TestbedModelSpec) and its weights. The compressed
 * model used is the one with the fewest sent steps that still leaves two or more (with one sent step there is
 * nothing to exit from); if there is none, the fewest. Its exit threshold is the smallest candidate whose
 * accuracy on `calibrationImages` training images stays within `maxAccuracyDrop` of the same model without early
 * exit (threshold 1).
 *
 * Requests are batch 1, one after another, on the first `requests` images of a seeded stratified subset of the
 * test split of `data` (the data set the NeuCODEX models were trained on; per preset in TESTBED_CONFIGS); each mode and bandwidth starts with one untimed warm-up request. Latency is measured on every run
 * (it is not resumed): the result is written to `runs/<preset>/testbed.json` atomically.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { createDevice, inferEdgeOnly, type InferenceResult, type RequestTiming } from '../coinfer/device';
import { describeLink, type LinkConfig } from '../coinfer/link';
import { wholeModel } from '../coinfer/model-ends';
import {
  latencyIntervals,
  summarizeLatencies,
  type LatencyIntervals,
  type LatencySummary,
} from '../coinfer/latency-summary';
import { accuracyEstimate, type AccuracyEstimate } from '../stats/correctness';
import { wilsonInterval } from '../stats/wilson';
import { startServeProcess } from '../coinfer/serve-process';
import { shapingReport, type ShapingReport } from '../coinfer/shaping';
import {
  buildTestbedBackbone,
  buildTestbedModel,
  readTestbedSpec,
  type TestbedModelSpec,
} from '../coinfer/testbed-model';
import {
  CIFAR10_NORMALIZATION,
  CIFAR100_NORMALIZATION,
  imageBatch,
  loadCifar10,
  loadCifar100,
  stratifiedSubset,
  type ImageDataset,
} from '../data';
import { exitsAt, exitTrace, type ExitConfidence } from '../neucodex/early-exit';
import { writeJsonAtomic } from '../util/atomic';
import { Progress, type ProgressSink } from '../util/progress';
import { Rng } from '../util/rng';
import { runsDir } from './paths';
import { readableRunFile } from './published';
import type { Preset, PresetName } from './preset';
import { provenance, type Provenance } from './provenance';
import { readCurrentJsonArtefact } from '../util/artefact';

export interface TestbedConfig {
  /** The images: those the NeuCODEX models were trained on (its preset section's data set and source). */
  data: { dataset: 'cifar10' | 'cifar100'; source: 'auto' | 'sample' };
  /** Requests per mode and bandwidth, one image each. */
  requests: number;
  bandwidthsMbps: number[];
  /** One-way propagation delay of the link, each direction. */
  latencyMs: number;
  /** The edge device is this many times slower than this machine. */
  slowdown: number;
  confidence: ExitConfidence;
  /** Exit thresholds tried, in [0, 1]; 1 (never exit early) is always among them. */
  thresholds: number[];
  /** Largest accuracy drop (fraction) early exit may cost on the calibration images. */
  maxAccuracyDrop: number;
  /** Training images the threshold is chosen on. */
  calibrationImages: number;
  seed: number;
}

/** Per preset: the testbed's settings (kept here, not in preset.ts). */
export const TESTBED_CONFIGS: Record<PresetName, TestbedConfig> = {
  tiny: {
    data: { dataset: 'cifar10', source: 'sample' },
    requests: 20,
    bandwidthsMbps: [1, 10, 100],
    latencyMs: 5,
    slowdown: 4,
    confidence: 'max-softmax',
    thresholds: [0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1],
    maxAccuracyDrop: 0.01,
    calibrationImages: 100,
    seed: 1,
  },
  cpu: {
    data: { dataset: 'cifar10', source: 'auto' },
    requests: 100,
    bandwidthsMbps: [1, 10, 100],
    latencyMs: 5,
    slowdown: 4,
    confidence: 'max-softmax',
    thresholds: [0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1],
    maxAccuracyDrop: 0.01,
    calibrationImages: 500,
    seed: 1,
  },
  paper: {
    data: { dataset: 'cifar10', source: 'auto' },
    requests: 200,
    bandwidthsMbps: [1, 10, 100],
    latencyMs: 5,
    slowdown: 4,
    confidence: 'max-softmax',
    thresholds: [0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1],
    maxAccuracyDrop: 0.01,
    calibrationImages: 2000,
    seed: 1,
  },
};

export const TESTBED_MODES = ['edge-only', 'raw-offload', 'spike-split', 'spike-split-tc-exit'] as const;
export type TestbedMode = (typeof TESTBED_MODES)[number];

export interface TestbedRow {
  mode: TestbedMode;
  /** null for edge-only (no link). */
  bandwidthMbps: number | null;
  requests: number;
  latency: LatencySummary;
  /** 95% bootstrap intervals over the requests of p50, p95 and p99. */
  latencyIntervals: LatencyIntervals;
  /** Mean per request, ms. */
  meanTiming: RequestTiming;
  /** Mean request bytes on the wire per request (headers included; replies are small JSON, not counted). */
  bytesPerRequest: number;
  /** Mean messages sent per request. */
  messagesPerRequest: number;
  /** Mean model time steps the server ran (the device's, for edge-only). */
  meanSteps: number;
  accuracy: number;
  /** The accuracy over the requests with its 95% Wilson interval. */
  accuracyEstimate: AccuracyEstimate;
  /** Edge-only p50 over this row's p50: how many times lower the latency is (1 for edge-only). */
  p50SpeedupVsEdge: number;
  meanSpeedupVsEdge: number;
}

export interface ThresholdChoice {
  threshold: number;
  /** On the calibration images, with its 95% Wilson interval over them. */
  accuracy: number;
  accuracyEstimate: AccuracyEstimate;
  meanSteps: number;
}

export interface TestbedModelInfo {
  name: string;
  /** The spec.json read, or the backbone's folder. */
  file: string;
  weights: string;
  spec: TestbedModelSpec;
}

export interface Testbed extends Provenance {
  config: TestbedConfig;
  shaping: ShapingReport;
  /** Each bandwidth's link, as described by the run. */
  links: Record<string, string>;
  slowdownApplied: string;
  models: { backbone: TestbedModelInfo; split: TestbedModelInfo; compressed: TestbedModelInfo };
  earlyExit: {
    confidence: ExitConfidence;
    exitEvery: number;
    threshold: number;
    candidates: ThresholdChoice[];
    rule: string;
    canExitEarly: boolean;
  };
  data: string;
  rows: TestbedRow[];
  wallSeconds: number;
}

export const testbedFile = (preset: string) => path.join(runsDir(preset), 'testbed.json');
/** Where the NeuCODEX experiment writes the models the testbed runs. */
export const neucodexModelsDir = (preset: string) => path.join(runsDir(preset), 'neucodex', 'resnet18-static');

/** The testbed result of a preset as last written, or null. */
export function readTestbed(preset: string): Testbed | null {
  return readCurrentJsonArtefact<Testbed>(
    readableRunFile(preset, testbedFile(preset)),
    (t) =>
      t.rows.every((r) => r.latencyIntervals !== undefined) &&
      t.earlyExit.candidates.every((c) => c.accuracyEstimate !== undefined),
    'latency intervals',
    `run 'spikesplit testbed --preset ${preset}' again`,
  );
}

/** The trained models, or an Error naming what is missing and the command that makes it. */
export function findTestbedModels(preset: string): {
  backboneDir: string;
  split: { file: string; spec: TestbedModelSpec };
  compressed: { file: string; spec: TestbedModelSpec }[];
} {
  const dir = neucodexModelsDir(preset);
  const missing = (what: string) =>
    new Error(
      `testbed: ${what}; the NeuCODEX experiment makes these models: run 'spikesplit neucodex --preset ${preset}' first`,
    );
  const backboneDir = path.join(dir, 'backbone');
  if (!fs.existsSync(path.join(backboneDir, 'weights.json')))
    throw missing(`no backbone weights at ${path.join(backboneDir, 'weights.json')}`);
  const specs = (fs.existsSync(dir) ? fs.readdirSync(dir) : [])
    .filter((name) => /^T\d+$/.test(name) && fs.existsSync(path.join(dir, name, 'spec.json')))
    .map((name) => ({
      file: path.join(dir, name, 'spec.json'),
      spec: readTestbedSpec(path.join(dir, name, 'spec.json')),
    }));
  const split = specs.find((s) => s.spec.sentSteps === undefined);
  const compressed = specs
    .filter((s) => s.spec.sentSteps !== undefined)
    .sort((a, b) => a.spec.sentSteps! - b.spec.sentSteps!);
  if (!split) throw missing(`no split model sending every step (a T<T>/spec.json without sentSteps) under ${dir}`);
  if (compressed.length === 0)
    throw missing(`no temporally compressed model (a T<T'>/spec.json with sentSteps) under ${dir}`);
  for (const c of compressed) {
    if (c.spec.T !== split.spec.T)
      throw new Error(
        `testbed: ${c.file} has T = ${c.spec.T}, but ${split.file} has T = ${split.spec.T}; expected one T for every model`,
      );
  }
  return { backboneDir, split, compressed };
}

/** Fewest sent steps that leave at least two (something to exit from), else the fewest. */
function pickCompressed<S extends { spec: TestbedModelSpec }>(compressed: S[]): S {
  return compressed.find((c) => c.spec.sentSteps! >= 2) ?? compressed[0];
}

async function loadImages(
  data: TestbedConfig['data'],
  split: 'train' | 'test',
  count: number,
  seed: number,
): Promise<ImageDataset> {
  const full =
    data.dataset === 'cifar10'
      ? await loadCifar10({ split, source: data.source, progress: false })
      : await loadCifar100({ split, labels: 'fine' });
  const perClass = Math.min(Math.ceil(count / full.classes.length), ...full.classCounts());
  const subset = stratifiedSubset(full, perClass, new Rng(seed));
  return subset.subset(Array.from({ length: Math.min(count, subset.count) }, (_, i) => i));
}

export interface TestbedOptions {
  config?: TestbedConfig;
  /** Progress lines; stderr by default. */
  sink?: ProgressSink;
}

/** Runs the testbed at the preset and writes `runs/<preset>/testbed.json`. */
export async function runTestbed(preset: Preset, options: TestbedOptions = {}): Promise<Testbed> {
  const startMs = Date.now();
  const config = options.config ?? TESTBED_CONFIGS[preset.name];
  checkConfig(config);
  const found = findTestbedModels(preset.name);
  const compressedFound = pickCompressed(found.compressed);
  const normalization = config.data.dataset === 'cifar10' ? CIFAR10_NORMALIZATION : CIFAR100_NORMALIZATION;
  const test = await loadImages(config.data, 'test', config.requests, config.seed);
  const calibration = await loadImages(config.data, 'train', config.calibrationImages, config.seed);
  for (const { file, spec } of [found.split, compressedFound]) {
    if (spec.classes !== test.classes.length)
      throw new Error(
        `testbed: ${file} has ${spec.classes} classes; the testbed's data set ${config.data.dataset} has ${test.classes.length}`,
      );
  }
  const inputs = Array.from({ length: test.count }, (_, i) => ({
    pixels: test.subset([i]).images, // [1, H, W, C] uint8
    label: test.labels[i],
  }));
  const shape = [1, test.height, test.width, test.channels];
  const batchOf = (i: number) => imageBatch(test, [i], { normalization });

  const split = buildTestbedModel(found.split.spec);
  const compressed = buildTestbedModel(compressedFound.spec);
  const backbone = buildTestbedBackbone(found.split.spec, found.backboneDir);
  const token = `testbed-${process.pid}-${Date.now()}`;
  const total = (1 + 3 * config.bandwidthsMbps.length) * (test.count + 1);
  const progress = new Progress(total, { label: `testbed ${preset.name}`, unit: 'requests', sink: options.sink });
  const rows: MeasuredRow[] = [];
  const links: Record<string, string> = {};
  try {
    const exit = chooseThreshold(compressed.compressed!, calibration, normalization, config);
    const rule = { threshold: exit.threshold, confidence: config.confidence };

    /** Runs every test image through `infer` after one warm-up, and summarises. */
    const measure = async (
      mode: TestbedMode,
      bandwidthMbps: number | null,
      infer: (i: number, x: tf.Tensor) => Promise<InferenceResult>,
    ) => {
      const once = async (i: number) => {
        const { images, labels } = batchOf(i);
        try {
          return await infer(i, images);
        } finally {
          tf.dispose([images, labels]);
        }
      };
      await once(0);
      progress.tick();
      const results: InferenceResult[] = [];
      for (let i = 0; i < test.count; i++) {
        results.push(await once(i));
        progress.tick();
      }
      rows.push(
        summarise(
          mode,
          bandwidthMbps,
          results,
          inputs.map((x) => x.label),
          config.seed,
        ),
      );
    };

    const edge = wholeModel(backbone.backbone);
    await measure('edge-only', null, (_, x) => inferEdgeOnly(edge, x, { slowdown: config.slowdown }));
    for (const bandwidthMbps of config.bandwidthsMbps) {
      const link: LinkConfig = { bandwidthMbps, latencyMs: config.latencyMs };
      links[String(bandwidthMbps)] = describeLink(link);
      const linkArgs = [
        '--bandwidth-mbps',
        String(bandwidthMbps),
        '--latency-ms',
        String(config.latencyMs),
        '--dataset',
        config.data.dataset,
      ];
      for (const served of [
        {
          spec: found.split.file,
          extra: ['--backbone', found.backboneDir],
          head: split.head,
          modes: ['raw-offload', 'spike-split'] as TestbedMode[],
        },
        {
          spec: compressedFound.file,
          extra: [],
          head: compressed.head,
          modes: ['spike-split-tc-exit'] as TestbedMode[],
        },
      ]) {
        const server = await startServeProcess(['--spec', served.spec, ...served.extra, ...linkArgs], {
          token,
          forS: 3600,
        }); // stopped below; forS only bounds an orphan
        try {
          const client = await createDevice({
            url: server.url,
            token,
            head: served.head,
            link,
            slowdown: config.slowdown,
          });
          try {
            for (const mode of served.modes) {
              await measure(mode, bandwidthMbps, (i, x) =>
                mode === 'raw-offload'
                  ? client.inferRaw(inputs[i].pixels, shape)
                  : mode === 'spike-split'
                    ? client.infer(x)
                    : client.inferEarlyExit(x, rule),
              );
            }
          } finally {
            await client.close();
          }
        } finally {
          await server.stop();
        }
      }
    }
    progress.done();
    const edgeRow = rows[0];
    const info = (file: string, built: { name: string; source: string }, spec: TestbedModelSpec): TestbedModelInfo => ({
      name: built.name,
      file,
      weights: built.source,
      spec,
    });
    const result: Testbed = {
      ...provenance(preset.name, config.seed),
      config,
      shaping: shapingReport(),
      links,
      slowdownApplied: `the device's compute (its part's forward pass and read-back) is measured on this machine and ${config.slowdown - 1} times that is waited on top, so it counts ${config.slowdown}x`,
      models: {
        backbone: info(found.backboneDir, { name: backbone.backbone.name, source: backbone.source }, found.split.spec),
        split: info(found.split.file, split, found.split.spec),
        compressed: info(compressedFound.file, compressed, compressedFound.spec),
      },
      earlyExit: {
        confidence: config.confidence,
        exitEvery: compressed.tail.group,
        threshold: exit.threshold,
        candidates: exit.candidates,
        rule: `the smallest threshold whose accuracy on ${calibration.count} training images is within ${100 * config.maxAccuracyDrop} percentage points of no early exit (threshold 1)`,
        canExitEarly: compressed.tail.sentSteps >= 2,
      },
      data: `${test.source}: ${test.count} test images (seeded stratified), one per request; threshold chosen on ${calibration.count} training images`,
      rows: rows.map((row) => ({
        ...row,
        p50SpeedupVsEdge: edgeRow.latency.p50Ms / row.latency.p50Ms,
        meanSpeedupVsEdge: edgeRow.latency.meanMs / row.latency.meanMs,
      })),
      wallSeconds: (Date.now() - startMs) / 1000,
    };
    writeJsonAtomic(testbedFile(preset.name), result);
    return result;
  } finally {
    backbone.backbone.dispose();
    compressed.dispose();
    split.dispose();
  }
}

function checkConfig(config: TestbedConfig): void {
  const bad = (field: string, expected: string, got: unknown) =>
    new RangeError(`testbed config ${field} is ${JSON.stringify(got)}; expected ${expected}`);
  if (!(Number.isInteger(config.requests) && config.requests >= 1))
    throw bad('requests', 'an integer >= 1', config.requests);
  if (config.bandwidthsMbps.length === 0 || !config.bandwidthsMbps.every((b) => b > 0 && Number.isFinite(b)))
    throw bad('bandwidthsMbps', 'finite Mbit/s values > 0', config.bandwidthsMbps);
  if (!(config.latencyMs >= 0)) throw bad('latencyMs', 'a number >= 0', config.latencyMs);
  if (!(config.slowdown >= 1)) throw bad('slowdown', 'a factor >= 1', config.slowdown);
  if (!config.thresholds.includes(1) || !config.thresholds.every((t) => t >= 0 && t <= 1))
    throw bad('thresholds', 'values in [0, 1] including 1', config.thresholds);
  if (!(config.maxAccuracyDrop >= 0 && config.maxAccuracyDrop < 1))
    throw bad('maxAccuracyDrop', 'a fraction in [0, 1)', config.maxAccuracyDrop);
  if (!(Number.isInteger(config.calibrationImages) && config.calibrationImages >= 1))
    throw bad('calibrationImages', 'an integer >= 1', config.calibrationImages);
}

/** The threshold: the smallest candidate whose calibration accuracy is within maxAccuracyDrop of threshold 1's. */
function chooseThreshold(
  model: NonNullable<ReturnType<typeof buildTestbedModel>['compressed']>,
  images: ImageDataset,
  normalization: typeof CIFAR10_NORMALIZATION,
  config: TestbedConfig,
): { threshold: number; candidates: ThresholdChoice[] } {
  const chunks: tf.Tensor[] = [];
  for (let start = 0; start < images.count; start += 50) {
    const indices = Array.from({ length: Math.min(50, images.count - start) }, (_, k) => start + k);
    const { images: x, labels } = imageBatch(images, indices, { normalization });
    chunks.push(model.forwardSteps(x)); // [T, b, classes]
    tf.dispose([x, labels]);
  }
  const stepLogits = tf.concat(chunks, 1); // [T, N, classes]
  tf.dispose(chunks);
  const trace = exitTrace(stepLogits, config.confidence);
  stepLogits.dispose();
  const group = model.T / model.sentSteps;
  const candidates = [...config.thresholds]
    .sort((a, b) => a - b)
    .map((threshold): ThresholdChoice => {
      const exits = exitsAt(trace, threshold, group);
      const correct = exits.predicted.reduce((n, p, b) => n + (p === images.labels[b] ? 1 : 0), 0);
      return {
        threshold,
        accuracy: correct / images.count,
        accuracyEstimate: {
          accuracy: correct / images.count,
          ...wilsonInterval(correct, images.count),
          count: images.count,
        },
        meanSteps: exits.stepsUsed.reduce((s, v) => s + v, 0) / images.count,
      };
    });
  const full = candidates.find((c) => c.threshold === 1)!;
  const chosen = candidates.find((c) => c.accuracy >= full.accuracy - config.maxAccuracyDrop - 1e-12)!;
  return { threshold: chosen.threshold, candidates };
}

type MeasuredRow = Omit<TestbedRow, 'p50SpeedupVsEdge' | 'meanSpeedupVsEdge'>;

function summarise(
  mode: TestbedMode,
  bandwidthMbps: number | null,
  results: InferenceResult[],
  labels: ArrayLike<number>,
  seed: number,
): MeasuredRow {
  const latencies = results.map((r) => r.timing.endToEndMs);
  const estimate = accuracyEstimate(Uint8Array.from(results, (r, i) => (r.predictions[0] === labels[i] ? 1 : 0)));
  const mean = (pick: (r: InferenceResult) => number) => results.reduce((s, r) => s + pick(r), 0) / results.length;
  const keys = Object.keys(results[0].timing) as (keyof RequestTiming)[];
  return {
    mode,
    bandwidthMbps,
    requests: results.length,
    latency: summarizeLatencies(latencies),
    latencyIntervals: latencyIntervals(latencies, { seed }),
    meanTiming: Object.fromEntries(keys.map((k) => [k, mean((r) => r.timing[k])])) as unknown as RequestTiming,
    bytesPerRequest: mean((r) => r.bytesSent),
    messagesPerRequest: mean((r) => r.messages),
    meanSteps: mean((r) => r.steps),
    accuracy: estimate.accuracy,
    accuracyEstimate: estimate,
  };
}
