/**
 * The accuracy drop of a model against its baseline (a split model against the backbone) on the same test
 * images: the point estimate, a 95% paired-bootstrap interval, and the exact McNemar test of "no difference".
 * The drop is distinguishable from zero when McNemar's two-sided p is below 0.05.
 */
import { pairedBootstrapDifference, checkPaired } from './paired-bootstrap';
import { mcnemarExactP } from './mcnemar';
import { DEFAULT_RESAMPLES } from './bootstrap';
import type { Interval } from './interval';

export interface PairedDrop extends Interval {
  /** accuracy(baseline) - accuracy(model), a fraction; lower and upper bound it (95%, paired bootstrap). */
  drop: number;
  /** Images right under the baseline only, and under the model only. */
  baselineOnly: number;
  modelOnly: number;
  count: number;
  /** Exact McNemar two-sided p-value. */
  mcnemarP: number;
  /** mcnemarP < 0.05. */
  distinguishable: boolean;
  /** The bootstrap's seed and resamples, so the interval can be recomputed. */
  seed: number;
  resamples: number;
}

export const SIGNIFICANCE = 0.05;

export function pairedDrop(
  baseline: Uint8Array,
  model: Uint8Array,
  options: { seed: number; resamples?: number },
): PairedDrop {
  checkPaired(baseline, model, 'pairedDrop');
  let baselineOnly = 0,
    modelOnly = 0;
  for (let i = 0; i < baseline.length; i++) {
    if (baseline[i] > model[i]) baselineOnly++;
    else if (model[i] > baseline[i]) modelOnly++;
  }
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const interval = pairedBootstrapDifference(baseline, model, { seed: options.seed, resamples });
  const mcnemarP = mcnemarExactP(baselineOnly, modelOnly);
  return {
    drop: (baselineOnly - modelOnly) / baseline.length,
    ...interval,
    baselineOnly,
    modelOnly,
    count: baseline.length,
    mcnemarP,
    distinguishable: mcnemarP < SIGNIFICANCE,
    seed: options.seed,
    resamples,
  };
}
