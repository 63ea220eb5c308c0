/**
 * The percentile bootstrap (Efron and Tibshirani 1993, ch. 13): draw the n items with replacement, recompute the
 * statistic, `resamples` times; the interval is the (1 - level)/2 and (1 + level)/2 quantiles of the resampled
 * statistics. The items are indices 0..n-1 (requests, images): the statistic reads its items through them, so
 * paired measurements on the same item are resampled together. Draws come from `Rng`, so the interval is
 * reproduced by its seed.
 */
import { Rng } from '../util/rng';
import { checkLevel, CONFIDENCE_LEVEL, type Interval } from './interval';

export interface BootstrapOptions {
  /** Seed of the resampling. */
  seed: number;
  /** Resamples drawn; 2,000 by default. */
  resamples?: number;
  /** 0.95 by default. */
  level?: number;
}

export const DEFAULT_RESAMPLES = 2000;

/** Linear-interpolated quantile q in [0, 1] of sorted values (type 7 of Hyndman and Fan). */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('sortedQuantile: no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`sortedQuantile: q must be in [0, 1], got ${q}`);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Percentile-bootstrap intervals of several statistics of the same n items, all from the same resamples.
 * `statistics(indices)` returns one value per statistic for a resample's item indices.
 */
export function bootstrapIntervals(
  count: number,
  statistics: (indices: Uint32Array) => readonly number[],
  options: BootstrapOptions,
): Interval[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`bootstrap: needs at least one item, got ${count}`);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 2)
    throw new RangeError(`bootstrap: resamples must be a whole number >= 2, got ${resamples}`);
  const level = options.level ?? CONFIDENCE_LEVEL;
  checkLevel(level, 'bootstrap');
  const rng = new Rng(options.seed);
  const indices = new Uint32Array(count);
  let values: Float64Array[] | null = null;
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < count; i++) indices[i] = rng.int(count);
    const stats = statistics(indices);
    values ??= stats.map(() => new Float64Array(resamples));
    if (stats.length !== values.length)
      throw new RangeError(`bootstrap: the statistics returned ${stats.length} values, earlier ${values.length}`);
    stats.forEach((v, k) => (values![k][r] = v));
  }
  return values!.map((v) => {
    v.sort();
    return { lower: sortedQuantile(v, (1 - level) / 2), upper: sortedQuantile(v, (1 + level) / 2) };
  });
}

/** The percentile-bootstrap interval of one statistic. */
export function bootstrapInterval(
  count: number,
  statistic: (indices: Uint32Array) => number,
  options: BootstrapOptions,
): Interval {
  return bootstrapIntervals(count, (ix) => [statistic(ix)], options)[0];
}
