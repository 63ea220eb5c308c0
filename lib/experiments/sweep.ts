/**
 * Step 2 and the split sweep (paper 3.6, 4.2): for each split point, compression level and T (and, when the
 * preset has the T' axis `sweep.sentSteps`, each T' dividing T: learned temporal compression, NeuCODEX), insert a
 * spike bottleneck into the pretrained backbone, fine-tune the whole model end to end, evaluate it and
 * record one row. Each row is written atomically to its own folder, so a rerun skips finished rows and
 * several processes can share one sweep (`shard`).
 */
import { insertBottleneck } from '../bottleneck/bottlenecked-model';
import { modelSplitShapes, transmissionBits } from '../bottleneck/bits';
import type { SplitBackbone } from '../models/backbone';
import { TemporallyCompressedModel } from '../neucodex/compressed-model';
import { train, type EpochRecord, type TrainOptions } from '../train/trainer';
import { writeJsonAtomic } from '../util/atomic';
import { loadBackbone, pretrainBackbone, type BackboneSummary } from './backbone';
import { presetData, type PresetData } from './data';
import { measureTestSet, type TestMeasurement } from './measure';
import { sweepRowDir, sweepRowFile } from './paths';
import type { Compression, Preset } from './preset';
import { provenance, type Provenance } from './provenance';
import { readJsonArtefactIfPresent } from '../util/artefact';
import type { Correctness } from '../stats/correctness';

/** One configuration of the sweep. */
export interface SweepConfig {
  id: string;
  split: string;
  compression: Compression;
  T: number;
  /** Steps sent T' < T with temporal compression; absent when all T steps are sent (the ids of such rows have no T'). */
  sentSteps?: number;
  /** The reduced shape sent per image per step `[h', w', c']`. */
  sentShape: [number, number, number];
  splitShape: [number, number, number];
}

/** One row of the results table. */
export interface SweepRow extends Provenance, SweepConfig {
  model: string;
  width: number;
  stemStride: 1 | 2;
  data: string;
  /** Bits sent per image (c' h' w' x T, or x T' with temporal compression) and the ratio to the split point's uncompressed spikes (T h w c). */
  bits: number;
  bytes: number;
  compressionRatio: number;
  accuracy: number;
  /** Accuracy of the pretrained backbone (no bottleneck) at the same T, and the drop from it (fractions). */
  baselineAccuracy: number;
  drop: number;
  /** Per test image, in the test set's order: correct or not (the paired drop's other side is the backbone's `correctByT`). */
  correct: Correctness;
  /** Spikes / (neurons x T) of every spike layer over the test set. */
  firingRates: Record<string, number>;
  history: EpochRecord[];
  wallSeconds: number;
}

/** Every configuration of the preset's sweep, in a fixed order. */
export function sweepConfigs(preset: Preset): SweepConfig[] {
  const configs: SweepConfig[] = [];
  for (const split of preset.sweep.splitPoints) {
    for (const compression of preset.sweep.compressions) {
      for (const T of preset.sweep.T) {
        for (const sent of (preset.sweep.sentSteps ?? [T]).filter((s) => s <= T && T % s === 0)) {
          const b = sweepBits(preset, split, compression, T, sent);
          const [h, w, c] = b.sentShape;
          const temporal = sent < T ? { sentSteps: sent } : {};
          configs.push({
            id: `${split}-${h}x${w}x${c}-T${T}${sent < T ? `to${sent}` : ''}`,
            split,
            compression,
            T,
            ...temporal,
            sentShape: b.sentShape,
            splitShape: b.splitShape,
          });
        }
      }
    }
  }
  return configs;
}

/** Bits sent at T' = `sent` steps (T' h' w' c'), and their ratio to the split point's spikes over all T steps. */
export function sweepBits(preset: Preset, split: string, compression: Compression, T: number, sent = T) {
  const { name, width, stemStride = 1 } = preset.model;
  const splitShape = modelSplitShapes(name, width, stemStride).shapes[split];
  if (!splitShape) throw new RangeError(`preset '${preset.name}': ${preset.model.name} has no split point '${split}'`);
  const [h, w, c] = splitShape;
  const channels = Math.max(1, Math.round(c / compression.channelDivisor));
  const size: [number, number] = [
    Math.max(1, Math.round(h / compression.spatialDivisor)),
    Math.max(1, Math.round(w / compression.spatialDivisor)),
  ];
  const config = { model: name, splitPoint: split, channels, size, width, stemStride };
  const bits = transmissionBits({ ...config, T: sent });
  const uncompressedBits = sent === T ? bits.uncompressedBits : transmissionBits({ ...config, T }).uncompressedBits;
  return { ...bits, uncompressedBits, ratio: uncompressedBits / bits.bits };
}

export function readRow(preset: Preset, id: string): SweepRow | null {
  return readJsonArtefactIfPresent<SweepRow>(sweepRowFile(preset.name, id));
}

/** Fine-tunes and evaluates one configuration (or returns its finished row). */
export async function runSweepRow(
  preset: Preset,
  config: SweepConfig,
  data: PresetData,
  options: TrainOptions = {},
): Promise<SweepRow> {
  const done = readRow(preset, config.id);
  if (done) return done;
  const baseline = baselineAccuracy(preset, await pretrainBackbone(preset, { ...options, data }), config.T);
  const t0 = Date.now();
  const backbone = loadBackbone(preset, data.classes, config.T);
  const { split, model } = withBottleneck(preset, config, backbone);
  try {
    const dir = sweepRowDir(preset.name, config.id);
    const { history } = await train(model, data.finetune, data.monitor, preset.finetune, { ...options, runDir: dir });
    const test = measureTestSet(model, data.test, preset.finetune.batchSize);
    const row = sweepRow(preset, config, data, { ...test, baseline, history, wallSeconds: (Date.now() - t0) / 1000 });
    writeJsonAtomic(sweepRowFile(preset.name, config.id), row);
    return row;
  } finally {
    if (model !== split) model.dispose();
    split.dispose();
    backbone.dispose();
  }
}

/** The backbone's test accuracy at `T`, from which a row's drop is measured. */
function baselineAccuracy(preset: Preset, summary: BackboneSummary, T: number): number {
  const accuracy = summary.accuracyByT[T];
  if (accuracy === undefined)
    throw new Error(
      `the backbone of preset '${preset.name}' was not evaluated at T=${T}; add it to the preset's evalT`,
    );
  return accuracy;
}

/** The backbone with the configuration's bottleneck at its split point, and (with T' < T) the temporal compression over it. */
function withBottleneck(preset: Preset, config: SweepConfig, backbone: SplitBackbone) {
  const [h, w, c] = config.sentShape;
  const split = insertBottleneck(backbone, config.split, { channels: c, size: [h, w] }, { seed: preset.finetune.seed });
  const model =
    config.sentSteps === undefined ? split : new TemporallyCompressedModel(split, { sentSteps: config.sentSteps });
  return { split, model };
}

/** What a fine-tuned configuration did, as `runSweepRow` measured it. */
interface RowOutcome extends TestMeasurement {
  baseline: number;
  history: EpochRecord[];
  wallSeconds: number;
}

/** The row of a fine-tuned configuration: what it is, what it sends, and how it did against the backbone. */
function sweepRow(preset: Preset, config: SweepConfig, data: PresetData, outcome: RowOutcome): SweepRow {
  const bits = sweepBits(preset, config.split, config.compression, config.T, config.sentSteps);
  return {
    ...provenance(preset.name, preset.finetune.seed),
    ...config,
    model: preset.model.name,
    width: preset.model.width,
    stemStride: preset.model.stemStride ?? 1,
    data: data.description,
    bits: bits.bits,
    bytes: bits.bytes,
    compressionRatio: bits.ratio,
    accuracy: outcome.accuracy,
    baselineAccuracy: outcome.baseline,
    drop: outcome.baseline - outcome.accuracy,
    correct: outcome.correct,
    firingRates: outcome.firingRates,
    history: outcome.history,
    wallSeconds: outcome.wallSeconds,
  };
}

/** Runs every configuration with index = shard.index (mod shard.count) that is not finished yet. */
export async function runSweep(
  preset: Preset,
  options: TrainOptions & { shard?: { index: number; count: number } } = {},
): Promise<SweepRow[]> {
  const log = options.log ?? ((l: string) => console.error(l));
  const { index, count } = options.shard ?? { index: 0, count: 1 };
  const configs = sweepConfigs(preset).filter((_, i) => i % count === index);
  const data = await presetData(preset, options.progress);
  const rows: SweepRow[] = [];
  for (const [k, config] of configs.entries()) {
    const finished = readRow(preset, config.id);
    log(`sweep ${k + 1}/${configs.length}: ${config.id}${finished ? ' (finished, skipped)' : ''}`);
    rows.push(finished ?? (await runSweepRow(preset, config, data, options)));
  }
  return rows;
}
