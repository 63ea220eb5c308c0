/**
 * The NeuCODEX experiment, declared by a preset's `neucodex` section. For each backbone x input (static: CIFAR
 * images, direct encoding; events: emulated DVS recordings of the same images, `sources.ts`):
 *
 *   1. pretrain the backbone alone and evaluate it edge-only (`backbone.ts`);
 *   2. for each T' of the preset: split it with a spike bottleneck and temporal compression to T', fine-tune,
 *      and measure accuracy, bits, device energy and the early-exit sweep (`row.ts`).
 *
 * On disk, `runs/<preset>/neucodex/<model>-<input>/`: `backbone/` (weights.json + .bin, summary.json) and one
 * `T<T'>/` per T' (weights.json + .bin of the split model, spec.json a `TestbedModelSpec` with `sentSteps` when
 * T' < T, row.json). Rows are written atomically and skipped when finished; `runs/<preset>/neucodex.json`
 * gathers them (`collect.ts`).
 */
import type { TrainOptions } from '../../train/trainer';
import { checkWritableDir } from '../../util/atomic';
import { neucodexDir } from '../paths';
import type { Preset } from '../preset';
import { runBackbone } from './backbone';
import { collectNeucodex, neucodexRowFinished } from './collect';
import { neucodexConfigs } from './configs';
import { runConfig } from './row';
import type { NeucodexBackbone, NeucodexConfig, NeucodexResults, NeucodexRow } from './schema';
import { neucodexContext, type NeucodexContext } from './sources';

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

/** A finished row in one line: accuracies, bits sent, device energy against edge-only. */
function rowSummary(row: NeucodexRow): string {
  const pct = (f: number, digits: number) => `${(100 * f).toFixed(digits)}%`;
  const energy = `${pct(Math.abs(row.energy.reduction), 1)} ${row.energy.reduction >= 0 ? 'below' : 'above'} edge-only`;
  const accuracy = `accuracy ${pct(row.accuracy, 2)} (edge-only ${pct(row.edgeOnlyAccuracy, 2)})`;
  return `${accuracy}, ${row.bits.sent} bits, device energy ${energy}`;
}

/** Runs every configuration of the preset's `neucodex` section not finished yet, then writes neucodex.json. */
export async function runNeucodex(preset: Preset, options: TrainOptions = {}): Promise<NeucodexResults> {
  const log = options.log ?? ((l: string) => console.error(l));
  const configs = neucodexConfigs(preset);
  checkWritableDir(neucodexDir(preset.name)); // before any training, not after it
  const ctx = await neucodexContext(preset, options.progress);
  for (const [k, c] of configs.entries()) {
    const finished = neucodexRowFinished(preset, c.id);
    const what = `${c.id} (${c.splitPoint}, c' ${c.channels}, T ${c.T} -> T' ${c.sentSteps})`;
    log(`neucodex ${k + 1}/${configs.length}: ${what}${finished ? ' (finished, skipped)' : ''}`);
    if (finished) continue;
    log(`neucodex: ${c.id}: ${rowSummary(await runNeucodexRow(preset, c, ctx, options))}`);
  }
  return collectNeucodex(preset);
}
