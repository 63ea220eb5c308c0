/**
 * The edge-to-cloud testbed: measured end-to-end latency of NeuCODEX's four ways to classify an image on a weak
 * edge device next to a server, over an emulated link at a few bandwidths:
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
 * Models: the NeuCODEX experiment's (`models.ts`). The compressed model used is the one with the fewest sent
 * steps that still leaves two or more (with one sent step there is nothing to exit from); if there is none, the
 * fewest. Its exit threshold is chosen on training images (`threshold.ts`).
 *
 * Requests are batch 1, one after another, on the first `requests` images of a seeded stratified subset of the
 * test split of `data` (the data set the NeuCODEX models were trained on; the preset's `testbed` section); each
 * mode and bandwidth starts with one untimed warm-up request (`measure.ts`). Latency is measured on every run
 * (it is not resumed): the result is written to `runs/<preset>/testbed.json` atomically.
 */
import { createDevice, inferEdgeOnly, type DeviceClient } from '../../coinfer/device';
import { describeLink, type LinkConfig } from '../../coinfer/link';
import { wholeModel, type SplitHead } from '../../coinfer/model-ends';
import { startServeProcess } from '../../coinfer/serve-process';
import { shapingReport } from '../../coinfer/shaping';
import {
  buildTestbedBackbone,
  buildTestbedModel,
  type TestbedModel,
  type TestbedModelSpec,
} from '../../coinfer/testbed-model';
import type { ExitRule } from '../../coinfer/protocol';
import type { ImageDataset, Normalization } from '../../data';
import type { SplitBackbone } from '../../models/backbone';
import { writeJsonAtomic } from '../../util/atomic';
import { Progress, type ProgressSink } from '../../util/progress';
import type { Preset } from '../preset';
import { provenance } from '../provenance';
import { checkTestbedConfig, type TestbedConfig } from './config';
import { loadTestbedImages } from './images';
import { normalizationOf } from '../data';
import { measureMode, type Infer, type MeasuredRow } from './measure';
import { findTestbedModels, pickCompressed } from './models';
import { testbedFile, type Testbed, type TestbedMode, type TestbedModelInfo } from './schema';
import { chooseThreshold } from './threshold';

export interface TestbedOptions {
  /** The testbed's settings; the preset's `testbed` section by default. */
  config?: TestbedConfig;
  /** Progress lines; stderr by default. */
  sink?: ProgressSink;
}

type Found = ReturnType<typeof findTestbedModels>;

/** What one run measures with: the settings, the images, the models found and built, and where rows go. */
interface Bench {
  config: TestbedConfig;
  test: ImageDataset;
  normalization: Normalization;
  found: Found;
  compressedFound: Found['compressed'][number];
  split: TestbedModel;
  compressed: TestbedModel;
  backbone: { backbone: SplitBackbone; source: string };
  /** Each test image as uint8 pixels `[1, H, W, C]`, what raw offload sends. */
  pixels: Uint8Array[];
  progress: Progress;
  token: string;
  rows: MeasuredRow[];
}

/** Measures one mode at one bandwidth (`measure.ts`) and keeps its row. */
async function measure(bench: Bench, mode: TestbedMode, bandwidthMbps: number | null, infer: Infer): Promise<void> {
  const { test: images, normalization, progress, config } = bench;
  bench.rows.push(
    await measureMode(mode, bandwidthMbps, infer, { images, normalization, progress, seed: config.seed }),
  );
}

/** How the device sends an image in each mode that crosses the link. */
function linkInfer(bench: Bench, client: DeviceClient, mode: TestbedMode, rule: ExitRule): Infer {
  const { test } = bench;
  const shape = [1, test.height, test.width, test.channels];
  const by: Partial<Record<TestbedMode, Infer>> = {
    'raw-offload': (i) => client.inferRaw(bench.pixels[i], shape),
    'spike-split': (_, x) => client.infer(x),
    'spike-split-tc-exit': (_, x) => client.inferEarlyExit(x, rule),
  };
  return by[mode]!;
}

/** One `spikesplit serve` process for a model at a link, a device talking to it, and `modes` measured through it. */
async function measureServed(
  bench: Bench,
  served: { spec: string; extra: string[]; head: SplitHead; modes: TestbedMode[] },
  link: LinkConfig,
  rule: ExitRule,
): Promise<void> {
  const { config, token } = bench;
  const linkArgs = ['--bandwidth-mbps', String(link.bandwidthMbps), '--latency-ms', String(config.latencyMs)];
  const args = ['--spec', served.spec, ...served.extra, ...linkArgs, '--dataset', config.data.dataset];
  const server = await startServeProcess(args, { token, forS: 3600 }); // stopped below; forS only bounds an orphan
  try {
    const client = await createDevice({ url: server.url, token, head: served.head, link, slowdown: config.slowdown });
    try {
      for (const mode of served.modes)
        await measure(bench, mode, link.bandwidthMbps, linkInfer(bench, client, mode, rule));
    } finally {
      await client.close();
    }
  } finally {
    await server.stop();
  }
}

/** Every mode at every bandwidth: edge-only first, then per bandwidth the split model's server and the compressed one's. */
async function measureAll(bench: Bench, rule: ExitRule): Promise<Record<string, string>> {
  const { config, found, compressedFound } = bench;
  const edge = wholeModel(bench.backbone.backbone);
  await measure(bench, 'edge-only', null, (_, x) => inferEdgeOnly(edge, x, { slowdown: config.slowdown }));
  const links: Record<string, string> = {};
  for (const bandwidthMbps of config.bandwidthsMbps) {
    const link: LinkConfig = { bandwidthMbps, latencyMs: config.latencyMs };
    links[String(bandwidthMbps)] = describeLink(link);
    const split = { spec: found.split.file, extra: ['--backbone', found.backboneDir], head: bench.split.head };
    await measureServed(bench, { ...split, modes: ['raw-offload', 'spike-split'] }, link, rule);
    const compressed = { spec: compressedFound.file, extra: [], head: bench.compressed.head };
    await measureServed(bench, { ...compressed, modes: ['spike-split-tc-exit'] }, link, rule);
  }
  bench.progress.done();
  return links;
}

function modelInfo(file: string, built: { name: string; source: string }, spec: TestbedModelSpec): TestbedModelInfo {
  return { name: built.name, file, weights: built.source, spec };
}

/** The result written: the rows with their speed-ups over edge-only, the models, the exit rule, the links. */
function testbedResult(
  preset: Preset,
  bench: Bench,
  exit: ReturnType<typeof chooseThreshold>,
  extras: { links: Record<string, string>; calibration: ImageDataset; startMs: number },
): Testbed {
  const { config, found, compressedFound, test } = bench;
  const edgeRow = bench.rows[0];
  const calibrated = `${extras.calibration.count} training images`;
  return {
    ...provenance(preset.name, config.seed),
    config,
    shaping: shapingReport(),
    links: extras.links,
    slowdownApplied:
      `the device's compute (its part's forward pass and read-back) is measured on this machine and ` +
      `${config.slowdown - 1} times that is waited on top, so it counts ${config.slowdown}x`,
    models: {
      backbone: modelInfo(
        found.backboneDir,
        { name: bench.backbone.backbone.name, source: bench.backbone.source },
        found.split.spec,
      ),
      split: modelInfo(found.split.file, bench.split, found.split.spec),
      compressed: modelInfo(compressedFound.file, bench.compressed, compressedFound.spec),
    },
    earlyExit: {
      confidence: config.confidence,
      exitEvery: bench.compressed.tail.group,
      threshold: exit.threshold,
      candidates: exit.candidates,
      rule: `the smallest threshold whose accuracy on ${calibrated} is within ${100 * config.maxAccuracyDrop} percentage points of no early exit (threshold 1)`,
      canExitEarly: bench.compressed.tail.sentSteps >= 2,
    },
    data: `${test.source}: ${test.count} test images (seeded stratified), one per request; threshold chosen on ${calibrated}`,
    rows: bench.rows.map((row) => ({
      ...row,
      p50SpeedupVsEdge: edgeRow.latency.p50Ms / row.latency.p50Ms,
      meanSpeedupVsEdge: edgeRow.latency.meanMs / row.latency.meanMs,
    })),
    wallSeconds: (Date.now() - extras.startMs) / 1000,
  };
}

/** Every model's classes must be the data set's. */
function checkClasses(found: { file: string; spec: TestbedModelSpec }[], config: TestbedConfig, classes: number): void {
  for (const { file, spec } of found) {
    if (spec.classes !== classes)
      throw new Error(
        `testbed: ${file} has ${spec.classes} classes; the testbed's data set ${config.data.dataset} has ${classes}`,
      );
  }
}

/** Runs the testbed at the preset (its `testbed` section unless `options.config`) and writes `runs/<preset>/testbed.json`. */
export async function runTestbed(preset: Preset, options: TestbedOptions = {}): Promise<Testbed> {
  const startMs = Date.now();
  const config = options.config ?? preset.testbed;
  checkTestbedConfig(config);
  const found = findTestbedModels(preset.name);
  const compressedFound = pickCompressed(found.compressed);
  const normalization = normalizationOf(config.data.dataset);
  const test = await loadTestbedImages(config.data, 'test', config.requests, config.seed);
  const calibration = await loadTestbedImages(config.data, 'train', config.calibrationImages, config.seed);
  checkClasses([found.split, compressedFound], config, test.classes.length);
  const split = buildTestbedModel(found.split.spec);
  const compressed = buildTestbedModel(compressedFound.spec);
  const backbone = buildTestbedBackbone(found.split.spec, found.backboneDir);
  const total = (1 + 3 * config.bandwidthsMbps.length) * (test.count + 1);
  const progress = new Progress(total, { label: `testbed ${preset.name}`, unit: 'requests', sink: options.sink });
  const token = `testbed-${process.pid}-${Date.now()}`;
  const pixels = Array.from({ length: test.count }, (_, i) => test.subset([i]).images);
  const models = { found, compressedFound, split, compressed, backbone };
  const bench: Bench = { config, test, normalization, ...models, pixels, progress, token, rows: [] };
  try {
    const exit = chooseThreshold(compressed.compressed!, calibration, normalization, config);
    const links = await measureAll(bench, { threshold: exit.threshold, confidence: config.confidence });
    const result = testbedResult(preset, bench, exit, { links, calibration, startMs });
    writeJsonAtomic(testbedFile(preset.name), result);
    return result;
  } finally {
    backbone.backbone.dispose();
    compressed.dispose();
    split.dispose();
  }
}
