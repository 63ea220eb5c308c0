/**
 * The NeuCODEX experiment (issue #8), declared by a preset's `neucodex` section. For each backbone x input
 * (static: CIFAR images, direct encoding; events: emulated DVS recordings of the same images, T binary frames of
 * 2 polarity channels, frames encoder):
 *
 *   1. pretrain the backbone alone (resumable; skipped when `backbone/summary.json` exists), evaluate it
 *      edge-only (accuracy, firing rates, device energy of the whole model);
 *   2. for each T' of the preset: load the backbone, insert a spike bottleneck at the split point (c' = c /
 *      channelDivisor, same h x w), wrap it with learned temporal compression to T' steps (T' = T: the plain
 *      split), fine-tune end to end (resumable), and evaluate it in one pass over the test set: accuracy, firing
 *      rates, per-step logits for the early-exit sweep; then bits and device energy.
 *
 * Bits per image: sent T' h' w' c' (`transmissionBits` at T'); the uncompressed split-point feature T h w c
 * spikes (1 bit each); the raw input: static, the image as uint8 pixels (H W C x 8 bits); events, the binary
 * event frames the device integrated (T H W 2 bits), with the emulated event stream itself also reported as
 * AEDAT 2.0 records (8 bytes per event: 32-bit address, 32-bit timestamp), the format CIFAR10-DVS ships in.
 * Device energy: `deviceEnergy` over everything the device runs (head, bottleneck encoder, temporal encoder),
 * with the firing rates measured on the test set; edge-only: the whole backbone, classifier included.
 *
 * On disk, `runs/<preset>/neucodex/<model>-<input>/`: `backbone/` (weights.json + .bin, summary.json) and one
 * `T<T'>/` per T' (weights.json + .bin of the split model, spec.json a `TestbedModelSpec` with `sentSteps` when
 * T' < T, row.json). Rows are written atomically and skipped when finished; `runs/<preset>/neucodex.json`
 * gathers them.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { transmissionBits } from '../bottleneck/bits';
import { BottleneckedModel, insertBottleneck } from '../bottleneck/bottlenecked-model';
import type { TestbedModelSpec } from '../coinfer/testbed-model';
import { epochBatches } from '../data';
import {
  backboneDeviceLayers,
  deviceEnergy,
  splitDeviceLayers,
  type DeviceEnergy,
  type DeviceEnergyPart,
} from '../energy/device-energy';
import type { Shape3, SplitBackbone } from '../models/backbone';
import { createModel } from '../models/registry';
import { loadWeights, saveWeights } from '../models/weights';
import { TemporallyCompressedModel } from '../neucodex/compressed-model';
import { emulatedEventSource, type EmulatedEventSource } from '../neucodex/event-source';
import { earlyExitSweep, type ExitSweepRow } from '../neucodex/exit-sweep';
import { frameEncoder, type InputEncoder } from '../snn/encoding';
import type { ForwardContext } from '../snn/module';
import { FiringRateMonitor } from '../snn/monitor';
import { correctMask, evaluate, type LogitModel } from '../train/evaluate';
import {
  accuracyEstimate,
  countCorrect,
  decodeCorrectness,
  encodeCorrectness,
  type AccuracyEstimate,
  type Correctness,
} from '../stats/correctness';
import { rowUncertainty, type RowUncertainty } from '../stats/uncertainty';
import type { LabelledSource } from '../train/source';
import { train, type EpochRecord, type TrainOptions } from '../train/trainer';
import { checkWritableDir, writeJsonAtomic } from '../util/atomic';
import type { ProgressSink } from '../util/progress';
import { presetData, type PresetData } from './data';
import { runsDir } from './paths';
import { readableRunFile } from './published';
import { NEUCODEX_INPUTS, type NeucodexInput, type NeucodexPreset, type Preset } from './preset';
import { provenance, type Provenance } from './provenance';
import { readCurrentJsonArtefact, readJsonArtefactIfPresent } from '../util/artefact';

/** Bits of one AEDAT 2.0 event record: a 32-bit address and a 32-bit timestamp. */
export const AEDAT2_BITS_PER_EVENT = 64;

/** One backbone x input x T' of the preset. */
export interface NeucodexConfig {
  /** `<model>-<input>-T<T'>`, e.g. `resnet18-static-T1`. */
  id: string;
  /** `<model>-<input>`: the folder of the backbone and its split models. */
  group: string;
  model: NeucodexPreset['backbones'][number]['model'];
  input: NeucodexInput;
  splitPoint: string;
  /** c' = c / channelDivisor. */
  channels: number;
  T: number;
  sentSteps: number;
}

export interface NeucodexBackbone extends Provenance {
  group: string;
  model: string;
  input: NeucodexInput;
  width: number;
  T: number;
  data: string;
  history: EpochRecord[];
  /** Edge-only test accuracy (fraction), and per test image correct or not. */
  accuracy: number;
  correct: Correctness;
  firingRates: Record<string, number>;
  /** The whole model on the device, pJ per image, and of it the layers reading real values (the stem on images). */
  edgeOnlyEnergyPJ: number;
  edgeOnlyRealInputPJ: number;
  trainSeconds: number;
}

export interface NeucodexRow extends Provenance, NeucodexConfig {
  width: number;
  data: string;
  /** The split point's feature per image per step `[h, w, c]` and what is sent per sent step `[h', w', c']`. */
  splitShape: Shape3;
  sentShape: Shape3;
  /** Accuracies (fractions): edge-only (the backbone), the split model, and the drop between them. */
  edgeOnlyAccuracy: number;
  accuracy: number;
  drop: number;
  /** Per test image, in the test set's order: correct or not (paired with the backbone's). */
  correct: Correctness;
  bits: {
    /** Sent per image: T' h' w' c'. */
    sent: number;
    /** The split point's feature uncompressed: T h w c spikes. */
    uncompressedFeature: number;
    /** The raw input per image, and what it is. */
    rawInput: number;
    rawInputIs: string;
    /** Events only: the mean emulated event stream per test image as AEDAT 2.0 records. */
    eventStream: number | null;
    /** rawInput / sent and uncompressedFeature / sent. */
    reductionVsRawInput: number;
    reductionVsFeature: number;
  };
  energy: {
    hardware: string;
    /** Everything the device runs at the split, pJ per image, and by part. */
    devicePJ: number;
    partsPJ: Record<DeviceEnergyPart, number>;
    /** The whole model on the device. */
    edgeOnlyPJ: number;
    /** 1 - devicePJ / edgeOnlyPJ. */
    reduction: number;
    /** Of devicePJ and edgeOnlyPJ, the layers reading real values (MACs: the stem on a direct-encoded image). */
    realInputPJ: number;
    edgeOnlyRealInputPJ: number;
    /** The reduction counting only the layers that read spikes (SpikeBottleNet leaves the image-reading stem out). */
    spikingReduction: number;
  };
  earlyExit: { confidence: string; exitEvery: number; rows: ExitSweepRow[] };
  firingRates: Record<string, number>;
  history: EpochRecord[];
  /** The folder with weights.json + weights.bin and spec.json. */
  weightsDir: string;
  wallSeconds: number;
}

/** A backbone with its edge-only accuracy's 95% Wilson interval. */
export interface NeucodexResultBackbone extends NeucodexBackbone {
  accuracyEstimate: AccuracyEstimate;
}

/** A row with its accuracy's Wilson interval and its drop from edge-only, paired on the same test images. */
export type NeucodexResultRow = NeucodexRow & RowUncertainty;

export interface NeucodexResults {
  preset: string;
  config: NeucodexPreset;
  backbones: NeucodexResultBackbone[];
  rows: NeucodexResultRow[];
  /** Configurations not run yet. */
  missing: string[];
}

/** What a testbed process needs to rebuild a split model (`buildTestbedModel`), plus NeuCODEX's additions. */
export interface NeucodexModelSpec extends TestbedModelSpec {
  /** Steps sent, when the model wraps the bottleneck with temporal compression (T' < T). */
  readonly sentSteps?: number;
  /** 'events': build the backbone with the frames encoder and `inputShape` (event frames `[T*B, H, W, 2]`). */
  readonly input: NeucodexInput;
  readonly inputShape: Shape3;
}

export const neucodexDir = (preset: string) => path.join(runsDir(preset), 'neucodex');
export const neucodexResultsFile = (preset: string) => path.join(runsDir(preset), 'neucodex.json');
const groupDir = (preset: string, group: string) => path.join(neucodexDir(preset), group);
const configDir = (preset: string, c: NeucodexConfig) => path.join(groupDir(preset, c.group), `T${c.sentSteps}`);

/** Every configuration of the preset's `neucodex` section, in a fixed order; checks the section. */
export function neucodexConfigs(preset: Preset): NeucodexConfig[] {
  const nx = preset.neucodex;
  const where = `preset '${preset.name}' neucodex`;
  for (const T of nx.sentSteps) {
    if (!Number.isInteger(T) || T < 1 || nx.T % T !== 0)
      throw new RangeError(`${where}: sentSteps must divide T = ${nx.T}, got ${T}`);
  }
  for (const input of nx.inputs) {
    if (!(NEUCODEX_INPUTS as readonly string[]).includes(input))
      throw new RangeError(`${where}: input '${input}'; expected one of ${NEUCODEX_INPUTS.join(', ')}`);
  }
  return nx.backbones.flatMap(({ model, splitPoint, channelDivisor }) => {
    const [, , c] = transmissionBits({ model, splitPoint, channels: 1, width: nx.width, T: nx.T }).splitShape;
    const channels = Math.max(1, Math.round(c / channelDivisor));
    return nx.inputs.flatMap((input) =>
      nx.sentSteps.map((sentSteps) => ({
        id: `${model}-${input}-T${sentSteps}`,
        group: `${model}-${input}`,
        model,
        input,
        splitPoint,
        channels,
        T: nx.T,
        sentSteps,
      })),
    );
  });
}

/** The options that make a backbone take the input: event frames need the frames encoder and 2 channels. */
function inputOptions(input: NeucodexInput, data: PresetData): { encoder?: InputEncoder; inputShape: Shape3 } {
  const { height, width, channels } = data.images.test;
  return input === 'events'
    ? { encoder: frameEncoder(), inputShape: [height, width, 2] }
    : { inputShape: [height, width, channels] };
}

export interface NeucodexSources {
  train: LabelledSource;
  finetune: LabelledSource;
  test: LabelledSource;
  description: string;
  /** The raw input per image in bits and what it is; the mean AEDAT 2.0 event stream (events) or null. */
  rawInput(): { bits: number; is: string; eventStream: number | null };
}

/** The labelled sources of one input; event sources are built once per run so every backbone shares their frame caches. */
function makeSources(nx: NeucodexPreset, data: PresetData): Record<NeucodexInput, NeucodexSources> {
  const { height, width, channels } = data.images.test;
  const emulate = (split: 'train' | 'finetune' | 'test'): EmulatedEventSource =>
    emulatedEventSource(data.images[split], {
      T: nx.T,
      seed: nx.events.seed,
      splitBy: nx.events.splitBy,
      binary: true,
    });
  const train = emulate('train');
  // Fine-tuning on the whole training set shares its recordings (and cache).
  const events = {
    train,
    finetune: data.images.finetune === data.images.train ? train : emulate('finetune'),
    test: emulate('test'),
  };
  return {
    static: {
      ...data,
      rawInput: () => ({
        bits: height * width * channels * 8,
        is: `the image as uint8 pixels (${height}x${width}x${channels} x 8 bits)`,
        eventStream: null,
      }),
    },
    events: {
      ...events,
      description: `emulated DVS recordings (${nx.T} binary frames, split by ${nx.events.splitBy}) of ${data.description}`,
      rawInput() {
        let count = 0;
        for (let i = 0; i < events.test.count; i++) count += events.test.eventCount(i);
        return {
          bits: nx.T * height * width * 2,
          is: `the binary event frames (${nx.T}x${height}x${width}x2 bits)`,
          eventStream: (AEDAT2_BITS_PER_EVENT * count) / events.test.count,
        };
      },
    },
  };
}

function freshBackbone(nx: NeucodexPreset, c: NeucodexConfig, data: PresetData, seed: number): SplitBackbone {
  return createModel(c.model, {
    width: nx.width,
    T: nx.T,
    classes: data.classes,
    seed,
    ...inputOptions(c.input, data),
  });
}

/** Test accuracy, per-image correctness and firing rates of a model in inference, over the test set in one observed pass. */
function measured(
  model: LogitModel,
  test: LabelledSource,
  batchSize: number,
): { accuracy: number; correct: Correctness; firingRates: Record<string, number> } {
  const monitor = new FiringRateMonitor();
  try {
    const { accuracy, correct } = evaluate(model, test, batchSize, { observer: monitor });
    return {
      accuracy,
      correct: encodeCorrectness(correct),
      firingRates: Object.fromEntries(monitor.read().map((r) => [r.name, r.rate])),
    };
  } finally {
    monitor.clear();
  }
}

/** Trains (or resumes, or reads when finished) the backbone of `c`'s group. */
async function runBackbone(
  preset: Preset,
  c: NeucodexConfig,
  data: PresetData,
  sources: NeucodexSources,
  options: TrainOptions,
): Promise<NeucodexBackbone> {
  const nx = preset.neucodex;
  const dir = path.join(groupDir(preset.name, c.group), 'backbone');
  const summaryFile = path.join(dir, 'summary.json');
  const done = readJsonArtefactIfPresent<NeucodexBackbone>(summaryFile);
  if (done) return done;
  const log = options.log ?? ((l: string) => console.error(l));
  log(`neucodex: pretraining ${c.group} (width ${nx.width}, T ${nx.T}) on ${sources.description}`);
  const model = freshBackbone(nx, c, data, nx.pretrain.seed);
  try {
    const { history } = await train(model, sources.train, sources.test, nx.pretrain, { ...options, runDir: dir });
    const { accuracy, correct, firingRates } = measured(model, sources.test, nx.pretrain.batchSize);
    saveWeights(model, path.join(dir, 'weights.json'));
    const edgeOnly = deviceEnergy(backboneDeviceLayers(model), { hardware: nx.hardware, firingRates });
    const summary: NeucodexBackbone = {
      ...provenance(preset.name, nx.pretrain.seed),
      group: c.group,
      model: c.model,
      input: c.input,
      width: nx.width,
      T: nx.T,
      data: sources.description,
      history,
      accuracy,
      correct,
      firingRates,
      edgeOnlyEnergyPJ: edgeOnly.totalPJ,
      edgeOnlyRealInputPJ: edgeOnly.realInputPJ,
      trainSeconds: history.reduce((s, r) => s + r.seconds, 0),
    };
    writeJsonAtomic(summaryFile, summary);
    log(`neucodex: ${c.group} edge-only test accuracy ${(100 * accuracy).toFixed(2)}%`);
    return summary;
  } finally {
    model.dispose();
  }
}

/** Per-step logits `[T, N, classes]` and labels `[N]` of the whole test set, observed by `monitor`. */
function testStepLogits(
  model: { forwardSteps(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor },
  test: LabelledSource,
  batchSize: number,
  monitor: FiringRateMonitor,
): { steps: tf.Tensor; labels: tf.Tensor1D } {
  const steps: tf.Tensor[] = [];
  const labels: tf.Tensor1D[] = [];
  for (const indices of epochBatches(test.count, batchSize)) {
    tf.tidy(() => {
      const batch = test.batch(indices);
      steps.push(tf.keep(model.forwardSteps(batch.x, { training: false, observer: monitor })));
      labels.push(tf.keep(batch.labels));
    });
  }
  const out = { steps: tf.concat(steps, 1), labels: tf.concat(labels) };
  tf.dispose([...steps, ...labels]);
  return out;
}

/** Fine-tunes and measures one configuration (or returns its finished row). */
async function runConfig(
  preset: Preset,
  c: NeucodexConfig,
  data: PresetData,
  sources: NeucodexSources,
  backbone: NeucodexBackbone,
  options: TrainOptions,
): Promise<NeucodexRow> {
  const nx = preset.neucodex;
  const dir = configDir(preset.name, c);
  const done = readJsonArtefactIfPresent<NeucodexRow>(path.join(dir, 'row.json'));
  if (done) return done;
  const t0 = Date.now();
  const seed = nx.finetune.seed;
  // Built as buildTestbedModel builds it (backbone, bottleneck and temporal halves from one seed), then the
  // pretrained backbone's weights.
  const net = freshBackbone(nx, c, data, seed);
  loadWeights(net, path.join(groupDir(preset.name, c.group), 'backbone', 'weights.json'));
  const split = insertBottleneck(net, c.splitPoint, { channels: c.channels }, { seed });
  const compressed = c.sentSteps < c.T ? new TemporallyCompressedModel(split, { sentSteps: c.sentSteps }) : null;
  const model: BottleneckedModel | TemporallyCompressedModel = compressed ?? split;
  const monitor = new FiringRateMonitor();
  let logits: { steps: tf.Tensor; labels: tf.Tensor1D } | null = null;
  try {
    const { history } = await train(model, sources.finetune, sources.test, nx.finetune, { ...options, runDir: dir });
    logits = testStepLogits(model, sources.test, nx.finetune.batchSize, monitor);
    const { steps, labels } = logits;
    const correct = tf.tidy(() => correctMask(tf.mean(steps, 0), labels));
    const accuracy = countCorrect(correct) / sources.test.count;
    const firingRates = Object.fromEntries(monitor.read().map((r) => [r.name, r.rate]));
    const energy: DeviceEnergy = deviceEnergy(compressed ? compressed.deviceLayers() : splitDeviceLayers(split), {
      hardware: nx.hardware,
      firingRates,
    });
    const sent = transmissionBits({
      model: c.model,
      splitPoint: c.splitPoint,
      channels: c.channels,
      width: nx.width,
      T: c.sentSteps,
    });
    const feature = transmissionBits({
      model: c.model,
      splitPoint: c.splitPoint,
      channels: c.channels,
      width: nx.width,
      T: c.T,
    }).uncompressedBits;
    const raw = sources.rawInput();
    const exitEvery = c.T / c.sentSteps;
    const exits = earlyExitSweep(logits.steps, logits.labels, {
      thresholds: nx.earlyExit.thresholds,
      confidence: nx.earlyExit.confidence,
      exitEvery,
      bitsPerStep: sent.bits / c.T,
      deviceEnergyPerStepPJ: energy.totalPJ / c.T,
      seed,
    });
    saveWeights(model, path.join(dir, 'weights.json'));
    const spec: NeucodexModelSpec = {
      model: c.model,
      width: nx.width,
      T: c.T,
      classes: data.classes,
      splitPoint: c.splitPoint,
      channels: c.channels,
      seed,
      weightsDir: path.resolve(dir),
      ...(compressed ? { sentSteps: c.sentSteps } : {}),
      input: c.input,
      inputShape: inputOptions(c.input, data).inputShape,
    };
    writeJsonAtomic(path.join(dir, 'spec.json'), spec);
    const row: NeucodexRow = {
      ...provenance(preset.name, seed),
      ...c,
      width: nx.width,
      data: sources.description,
      splitShape: sent.splitShape,
      sentShape: sent.sentShape,
      edgeOnlyAccuracy: backbone.accuracy,
      accuracy,
      drop: backbone.accuracy - accuracy,
      correct: encodeCorrectness(correct),
      bits: {
        sent: sent.bits,
        uncompressedFeature: feature,
        rawInput: raw.bits,
        rawInputIs: raw.is,
        eventStream: raw.eventStream,
        reductionVsRawInput: raw.bits / sent.bits,
        reductionVsFeature: feature / sent.bits,
      },
      energy: {
        hardware: nx.hardware,
        devicePJ: energy.totalPJ,
        partsPJ: { ...energy.partsPJ },
        edgeOnlyPJ: backbone.edgeOnlyEnergyPJ,
        reduction: 1 - energy.totalPJ / backbone.edgeOnlyEnergyPJ,
        realInputPJ: energy.realInputPJ,
        edgeOnlyRealInputPJ: backbone.edgeOnlyRealInputPJ,
        spikingReduction:
          1 - (energy.totalPJ - energy.realInputPJ) / (backbone.edgeOnlyEnergyPJ - backbone.edgeOnlyRealInputPJ),
      },
      earlyExit: { confidence: nx.earlyExit.confidence, exitEvery, rows: exits },
      firingRates,
      history,
      weightsDir: path.resolve(dir),
      wallSeconds: (Date.now() - t0) / 1000,
    };
    writeJsonAtomic(path.join(dir, 'row.json'), row);
    return row;
  } finally {
    if (logits) tf.dispose([logits.steps, logits.labels]);
    monitor.clear();
    compressed?.dispose();
    split.dispose();
    net.dispose();
  }
}

/** Gathers what has been run into `runs/<preset>/neucodex.json` (atomically) and returns it. */
export function collectNeucodex(preset: Preset): NeucodexResults {
  const configs = neucodexConfigs(preset);
  const groups = [...new Set(configs.map((c) => c.group))];
  const backboneFile = (group: string) => path.join(groupDir(preset.name, group), 'backbone', 'summary.json');
  const backbones = groups.flatMap((g) => {
    const b = readJsonArtefactIfPresent<NeucodexBackbone>(backboneFile(g));
    return b === null
      ? []
      : [{ ...b, accuracyEstimate: accuracyEstimate(decodeCorrectness(b.correct, backboneFile(g))) }];
  });
  const rows = configs.flatMap((c): NeucodexResultRow[] => {
    const file = path.join(configDir(preset.name, c), 'row.json');
    const r = readJsonArtefactIfPresent<NeucodexRow>(file);
    if (r === null) return [];
    const b = backbones.find((x) => x.group === c.group);
    if (b === undefined) throw new Error(`${file} has no backbone summary beside it at ${backboneFile(c.group)}`);
    return [{ ...r, ...rowUncertainty(b.correct, r.correct, { baseline: backboneFile(c.group), row: file }, r.seed) }];
  });
  const results: NeucodexResults = {
    preset: preset.name,
    config: preset.neucodex,
    backbones,
    rows,
    missing: configs.filter((c) => !rows.some((r) => r.id === c.id)).map((c) => c.id),
  };
  writeJsonAtomic(neucodexResultsFile(preset.name), results);
  return results;
}

/** The NeuCODEX results of a preset as last written, or null (notebook 06 collects the rows instead, training what is missing). */
export function readNeucodex(preset: string): NeucodexResults | null {
  return readCurrentJsonArtefact<NeucodexResults>(
    readableRunFile(preset, neucodexResultsFile(preset)),
    (r) =>
      r.rows.every((row) => row.pairedDrop !== undefined) && r.backbones.every((b) => b.accuracyEstimate !== undefined),
    'intervals (per-image correctness)',
    `run 'spikesplit neucodex --preset ${preset}' again (rows without per-image correctness must be deleted and rerun)`,
  );
}

/** The data and sources NeuCODEX rows read, loaded once per process and preset (`progress`: as `presetData`'s). */
export interface NeucodexContext {
  data: PresetData;
  sources: Record<NeucodexInput, NeucodexSources>;
}

export async function neucodexContext(preset: Preset, progress?: ProgressSink): Promise<NeucodexContext> {
  const nx = preset.neucodex;
  const data = await presetData({ ...preset, data: nx.data, pretrain: nx.pretrain }, progress);
  return { data, sources: makeSources(nx, data) };
}

export function neucodexRowFinished(preset: Preset, id: string): boolean {
  const c = neucodexConfigs(preset).find((x) => x.id === id);
  return c !== undefined && fs.existsSync(path.join(configDir(preset.name, c), 'row.json'));
}

/** Trains (or resumes, or reads when finished) the backbone of `c`'s group. */
export function runNeucodexBackbone(
  preset: Preset,
  c: NeucodexConfig,
  ctx: NeucodexContext,
  options: TrainOptions = {},
): Promise<NeucodexBackbone> {
  return runBackbone(preset, c, ctx.data, ctx.sources[c.input], options);
}

/** One row, as `runNeucodex` runs it and as a queue worker runs its job: the group's backbone (when not finished), then the row. */
export async function runNeucodexRow(
  preset: Preset,
  c: NeucodexConfig,
  ctx: NeucodexContext,
  options: TrainOptions = {},
): Promise<NeucodexRow> {
  const backbone = await runNeucodexBackbone(preset, c, ctx, options);
  return runConfig(preset, c, ctx.data, ctx.sources[c.input], backbone, options);
}

/** Runs every configuration of the preset's `neucodex` section not finished yet, then writes neucodex.json. */
export async function runNeucodex(preset: Preset, options: TrainOptions = {}): Promise<NeucodexResults> {
  const log = options.log ?? ((l: string) => console.error(l));
  const configs = neucodexConfigs(preset);
  checkWritableDir(neucodexDir(preset.name)); // before any training, not after it
  const ctx = await neucodexContext(preset, options.progress);
  for (const [k, c] of configs.entries()) {
    const finished = neucodexRowFinished(preset, c.id);
    log(
      `neucodex ${k + 1}/${configs.length}: ${c.id} (${c.splitPoint}, c' ${c.channels}, T ${c.T} -> T' ${c.sentSteps})${finished ? ' (finished, skipped)' : ''}`,
    );
    if (finished) continue;
    const row = await runNeucodexRow(preset, c, ctx, options);
    log(
      `neucodex: ${c.id}: accuracy ${(100 * row.accuracy).toFixed(2)}% (edge-only ${(100 * row.edgeOnlyAccuracy).toFixed(2)}%), ${row.bits.sent} bits, device energy ${(100 * Math.abs(row.energy.reduction)).toFixed(1)}% ${row.energy.reduction >= 0 ? 'below' : 'above'} edge-only`,
    );
  }
  return collectNeucodex(preset);
}
