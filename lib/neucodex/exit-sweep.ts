/**
 * The early-exit trade-off over thresholds: for each threshold, the accuracy of the exits and what they cost
 * the device per image, from the per-step logits of a labelled set (`earlyExit` gives the exits).
 *
 *   bits per image          = bitsPerStep x steps used       (the device stops sending at the exit)
 *   device energy per image = deviceEnergyPerStepPJ x steps used
 *
 * both averaged over the samples, each with a 95% percentile-bootstrap interval over the images (accuracy and steps
 * resampled together, from `seed`). `deviceEnergyPerStepPJ` reads the per-step device energy off an SNN energy
 * report (SyOPs = rate x T x MACs are linear in T at a fixed firing rate); `bitsPerStep` is what the device
 * sends per image per step, e.g. `transmissionBits({ ..., T: 1 }).bits` for a spike bottleneck.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EnergyReport } from '../energy/report';
import { bootstrapIntervals } from '../stats/bootstrap';
import type { Interval } from '../stats/interval';
import { checkConfidence, checkThreshold, ExitConfidence, exitsAt, exitTrace } from './early-exit';

export interface ExitSweepOptions {
  /** Thresholds in [0, 1], one row each, in the order given. */
  readonly thresholds: readonly number[];
  readonly confidence: ExitConfidence;
  /** Check only after every this many steps (a compressed model's T / T'); default 1. */
  readonly exitEvery?: number;
  /** Bits the device sends per image per step (a compressed model's `bits / T`). */
  readonly bitsPerStep: number;
  /** Energy the device computes per image per step. */
  readonly deviceEnergyPerStepPJ: number;
  /** Seed of the bootstrap over images. */
  readonly seed: number;
  /** Bootstrap resamples; 2,000 by default. */
  readonly resamples?: number;
}

export interface ExitSweepRow {
  readonly threshold: number;
  /** Fraction of samples whose exit prediction equals the label, in [0, 1]. */
  readonly accuracy: number;
  /** Mean time steps used per image, in [1, T]. */
  readonly meanSteps: number;
  /** Mean bits sent per image. */
  readonly bits: number;
  /** Mean device energy per image. */
  readonly deviceEnergyPJ: number;
  /** 95% bootstrap intervals over the images of accuracy, mean steps, bits and device energy. */
  readonly accuracyInterval: Interval;
  readonly meanStepsInterval: Interval;
  readonly bitsInterval: Interval;
  readonly deviceEnergyPJInterval: Interval;
}

function checkCost(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0))
    throw new RangeError(`early exit sweep: ${name} must be a finite number >= 0, got ${value}`);
}

/** One row per threshold for per-step logits `[T, B, classes]` and their labels `[B]` (int32 tensor or numbers). */
export function earlyExitSweep(
  stepLogits: tf.Tensor,
  labels: tf.Tensor1D | ArrayLike<number>,
  options: ExitSweepOptions,
): ExitSweepRow[] {
  checkConfidence(options.confidence);
  checkCost('bitsPerStep', options.bitsPerStep);
  checkCost('deviceEnergyPerStepPJ', options.deviceEnergyPerStepPJ);
  if (options.thresholds.length === 0)
    throw new RangeError('early exit sweep: expected at least one threshold, got none');
  options.thresholds.forEach(checkThreshold);
  const truth = labels instanceof tf.Tensor ? labels.dataSync() : labels;
  const B = stepLogits.shape[1];
  if (truth.length !== B) {
    throw new RangeError(
      `early exit sweep: ${truth.length} labels for per-step logits of shape [${stepLogits.shape.join(', ')}]; expected one label per sample (${B})`,
    );
  }
  const trace = exitTrace(stepLogits, options.confidence);
  const scale = (i: Interval, by: number): Interval => ({ lower: i.lower * by, upper: i.upper * by });
  return options.thresholds.map((threshold) => {
    const exits = exitsAt(trace, threshold, options.exitEvery);
    const correct = new Uint8Array(B);
    for (let b = 0; b < B; b++) correct[b] = exits.predicted[b] === truth[b] ? 1 : 0;
    // Over the images of `ix`: fraction correct and mean steps used.
    const means = (ix: ArrayLike<number>): [number, number] => {
      let right = 0,
        steps = 0;
      for (let k = 0; k < ix.length; k++) {
        right += correct[ix[k]];
        steps += exits.stepsUsed[ix[k]];
      }
      return [right / ix.length, steps / ix.length];
    };
    const [accuracy, meanSteps] = means(Array.from({ length: B }, (_, b) => b));
    const [accuracyInterval, meanStepsInterval] = bootstrapIntervals(B, means, {
      seed: options.seed,
      resamples: options.resamples,
    });
    return {
      threshold,
      accuracy,
      meanSteps,
      bits: options.bitsPerStep * meanSteps,
      deviceEnergyPJ: options.deviceEnergyPerStepPJ * meanSteps,
      accuracyInterval,
      meanStepsInterval,
      bitsInterval: scale(meanStepsInterval, options.bitsPerStep),
      deviceEnergyPJInterval: scale(meanStepsInterval, options.deviceEnergyPerStepPJ),
    };
  });
}

/**
 * The device's compute energy per image per step when split at `split`: the report row's cumulative energy
 * divided by the T it was computed for. Needs an SNN report (a DNN has no time steps).
 */
export function deviceEnergyPerStepPJ(report: EnergyReport, split: string): number {
  if (report.network !== 'snn')
    throw new RangeError(
      `deviceEnergyPerStepPJ: expected an SNN energy report (energy per time step), got network '${report.network}'`,
    );
  const row = report.rows.find((r) => r.split === split);
  if (!row)
    throw new RangeError(
      `deviceEnergyPerStepPJ: ${report.model} has no split point '${split}'; expected one of ${report.rows.map((r) => r.split).join(', ')}`,
    );
  // Every counted layer of the split point's own group carries the T of the device part that ends there.
  const own = report.layers.find((l) => l.counted && l.splitPoint === split && l.T !== null);
  if (!own)
    throw new RangeError(
      `deviceEnergyPerStepPJ: the report counts no layer in split point '${split}''s group, so its T is unknown; expected a split point with counted layers`,
    );
  return row.cumulativeEnergyPJ / own.T!;
}

/**
 * NeuCODEX's threshold rule: the smallest threshold whose accuracy is within `maxAccuracyDrop` (a fraction) of the
 * full pass (threshold 1; without it, the largest threshold given). Exits come no later as the threshold falls,
 * so this is also the row that uses the fewest steps among those within the drop.
 */
export function chooseExitThreshold<R extends { readonly threshold: number; readonly accuracy: number }>(
  rows: readonly R[],
  maxAccuracyDrop: number,
): R {
  if (rows.length === 0) throw new RangeError('chooseExitThreshold: expected at least one row, got none');
  const ascending = [...rows].sort((a, b) => a.threshold - b.threshold);
  const full = ascending.find((r) => r.threshold === 1) ?? ascending[ascending.length - 1];
  return ascending.find((r) => r.accuracy >= full.accuracy - maxAccuracyDrop - 1e-12)!;
}
