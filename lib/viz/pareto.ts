/** The Pareto front of configurations that trade bits sent against accuracy: fewer bits and higher accuracy are better. */
import type { ResultRow } from '../experiments/results';
import { percentWithInterval } from './format';

export interface BitsAccuracy {
  bits: number;
  accuracy: number;
}

/**
 * The points no other point dominates (another with no more bits and strictly higher accuracy, or fewer bits and
 * no lower accuracy), sorted by bits. Of equal points the first is kept.
 */
export function paretoFront<P extends BitsAccuracy>(points: readonly P[]): P[] {
  for (const [i, p] of points.entries()) {
    if (!Number.isFinite(p.bits) || !Number.isFinite(p.accuracy))
      throw new RangeError(
        `paretoFront: point ${i} has bits ${p.bits}, accuracy ${p.accuracy}; expected finite numbers`,
      );
  }
  const sorted = points
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.bits - b.p.bits || b.p.accuracy - a.p.accuracy || a.i - b.i);
  const front: P[] = [];
  for (const { p } of sorted) {
    if (front.length === 0 || p.accuracy > front[front.length - 1].accuracy) front.push(p);
  }
  return front;
}

/** The sweep's rows on the Pareto front, as a table: configuration, bits, accuracy and drop with their 95% intervals. */
export function paretoRows(rows: readonly ResultRow[]): Record<string, string | number>[] {
  return paretoFront(rows).map((r) => ({
    configuration: r.id,
    bits: r.bits,
    'accuracy % [95% CI]': percentWithInterval(r.accuracy, r.accuracyEstimate),
    'drop, points [95% CI]': percentWithInterval(r.pairedDrop.drop, r.pairedDrop),
  }));
}
