/** Latency percentiles of a run, by the nearest-rank method (p-th percentile = the ceil(p/100 * n)-th smallest). */
export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function nearestRankPercentile(sortedMs: readonly number[], p: number): number {
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
