/**
 * Step 2 and the split sweep (paper 3.6, 4.2): for each split point, compression level and T, insert a
 * spike bottleneck into the pretrained backbone, fine-tune the whole model end to end, evaluate it and
 * record one row. Each row is written atomically to its own folder, so a rerun skips finished rows and
 * several processes can share one sweep (`shard`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { insertBottleneck } from '../bottleneck/bottlenecked-model';
import { modelSplitShapes, transmissionBits } from '../bottleneck/bits';
import { FiringRateMonitor } from '../snn/monitor';
import { evaluate } from '../train/evaluate';
import { train, type EpochRecord, type TrainOptions } from '../train/trainer';
import { writeJsonAtomic } from '../util/atomic';
import { loadBackbone, pretrainBackbone } from './backbone';
import { presetData, type PresetData } from './data';
import { sweepRowDir } from './paths';
import type { Compression, Preset } from './preset';
import { provenance, type Provenance } from './provenance';

/** One configuration of the sweep. */
export interface SweepConfig {
  id: string;
  split: string;
  compression: Compression;
  T: number;
  /** The reduced shape sent per image per step `[h', w', c']`. */
  sentShape: [number, number, number];
  splitShape: [number, number, number];
}

/** One row of the results table. */
export interface SweepRow extends Provenance, SweepConfig {
  model: string;
  width: number;
  data: string;
  /** Bits sent per image (c' h' w' x T) and the ratio to the split point's uncompressed spikes. */
  bits: number;
  bytes: number;
  compressionRatio: number;
  accuracy: number;
  /** Accuracy of the pretrained backbone (no bottleneck) at the same T, and the drop from it (fractions). */
  baselineAccuracy: number;
  drop: number;
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
        const b = bitsFor(preset, split, compression, T);
        const [h, w, c] = b.sentShape;
        configs.push({ id: `${split}-${h}x${w}x${c}-T${T}`, split, compression, T, sentShape: b.sentShape, splitShape: b.splitShape });
      }
    }
  }
  return configs;
}

function bitsFor(preset: Preset, split: string, compression: Compression, T: number) {
  const splitShape = modelSplitShapes(preset.model.name, preset.model.width).shapes[split];
  if (!splitShape) throw new RangeError(`preset '${preset.name}': ${preset.model.name} has no split point '${split}'`);
  const [h, w, c] = splitShape;
  const channels = Math.max(1, Math.round(c / compression.channelDivisor));
  const size: [number, number] = [Math.max(1, Math.round(h / compression.spatialDivisor)), Math.max(1, Math.round(w / compression.spatialDivisor))];
  return transmissionBits({ model: preset.model.name, splitPoint: split, channels, size, width: preset.model.width, T });
}

export function readRow(preset: Preset, id: string): SweepRow | null {
  const file = path.join(sweepRowDir(preset.name, id), 'row.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as SweepRow) : null;
}

/** Fine-tunes and evaluates one configuration (or returns its finished row). */
export async function runSweepRow(preset: Preset, config: SweepConfig, data: PresetData, options: TrainOptions = {}): Promise<SweepRow> {
  const done = readRow(preset, config.id);
  if (done) return done;
  const summary = await pretrainBackbone(preset, { ...options, data });
  const baselineAccuracy = summary.accuracyByT[config.T] ?? (() => {
    throw new Error(`the backbone of preset '${preset.name}' was not evaluated at T=${config.T}; add it to the preset's evalT`);
  })();
  const t0 = Date.now();
  const backbone = loadBackbone(preset, data.classes, config.T);
  const [h, w, c] = config.sentShape;
  const model = insertBottleneck(backbone, config.split, { channels: c, size: [h, w] }, { seed: preset.finetune.seed });
  try {
    const dir = sweepRowDir(preset.name, config.id);
    const { history } = await train(model, data.finetune, data.test, preset.finetune, { ...options, runDir: dir });
    const monitor = new FiringRateMonitor();
    const test = evaluate(model, data.test, preset.finetune.batchSize, { observer: monitor });
    const firingRates = Object.fromEntries(monitor.read().map((r) => [r.name, r.rate]));
    monitor.clear();
    const bits = bitsFor(preset, config.split, config.compression, config.T);
    const row: SweepRow = {
      ...provenance(preset.name, preset.finetune.seed),
      ...config,
      model: preset.model.name,
      width: preset.model.width,
      data: data.description,
      bits: bits.bits,
      bytes: bits.bytes,
      compressionRatio: bits.ratio,
      accuracy: test.accuracy,
      baselineAccuracy,
      drop: baselineAccuracy - test.accuracy,
      firingRates,
      history,
      wallSeconds: (Date.now() - t0) / 1000,
    };
    writeJsonAtomic(path.join(dir, 'row.json'), row);
    return row;
  } finally {
    model.dispose();
    backbone.dispose();
  }
}

/** Runs every configuration with index = shard.index (mod shard.count) that is not finished yet. */
export async function runSweep(preset: Preset, options: TrainOptions & { shard?: { index: number; count: number } } = {}): Promise<SweepRow[]> {
  const log = options.log ?? ((l: string) => console.error(l));
  const { index, count } = options.shard ?? { index: 0, count: 1 };
  const configs = sweepConfigs(preset).filter((_, i) => i % count === index);
  const data = await presetData(preset);
  const rows: SweepRow[] = [];
  for (const [k, config] of configs.entries()) {
    const finished = readRow(preset, config.id);
    log(`sweep ${k + 1}/${configs.length}: ${config.id}${finished ? ' (finished, skipped)' : ''}`);
    rows.push(finished ?? (await runSweepRow(preset, config, data, options)));
  }
  return rows;
}
