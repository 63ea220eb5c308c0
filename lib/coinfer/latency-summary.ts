import { bootstrapIntervals } from '../stats/bootstrap';
import type { Interval } from '../stats/interval';
/** Latency percentiles of a run, by the nearest-rank method (p-th percentile = the ceil(p/100 * n)-th smallest). */
export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function nearestRankPercentile(sortedMs: ArrayLike<number>, p: number): number {
  if (sortedMs.length === 0) throw new RangeError('percentile of no values');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile p is ${p}; expected (0, 100]`);
  return sortedMs[Math.ceil((p / 100) * sortedMs.length) - 1];
}

export function summarizeLatencies(latenciesMs: readonly number[]): LatencySummary {
  if (latenciesMs.length === 0) throw new RangeError('summarizeLatencies needs at least one latency');
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    meanMs: sorted.reduce((s, v) => s + v, 0) / sorted.length,
    p50Ms: nearestRankPercentile(sorted, 50),
    p95Ms: nearestRankPercentile(sorted, 95),
    p99Ms: nearestRankPercentile(sorted, 99),
    maxMs: sorted[sorted.length - 1],
  };
}

/**
 * 95% percentile-bootstrap intervals of the p50, p95 and p99 over the requests (resampled from `seed`). A
 * resample never exceeds the largest latency measured, so with fewer than about 300 requests the p99's upper
 * bound is that maximum: the interval says the tail is not pinned down, not where it ends.
 */
export interface LatencyIntervals {
  p50Ms: Interval;
  p95Ms: Interval;
  p99Ms: Interval;
}

export function latencyIntervals(
  latenciesMs: readonly number[],
  options: { seed: number; resamples?: number },
): LatencyIntervals {
  if (latenciesMs.length === 0) throw new RangeError('latencyIntervals needs at least one latency');
  const sample = new Float64Array(latenciesMs.length);
  const [p50Ms, p95Ms, p99Ms] = bootstrapIntervals(
    latenciesMs.length,
    (ix) => {
      ix.forEach((i, k) => (sample[k] = latenciesMs[i]));
      sample.sort();
      return [50, 95, 99].map((p) => nearestRankPercentile(sample, p));
    },
    options,
  );
  return { p50Ms, p95Ms, p99Ms };
}
