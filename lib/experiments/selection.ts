/**
 * The selection rule of the paper (4.2): per split point, the highest compression (fewest bits sent)
 * whose accuracy drop is within the threshold (3%); where none qualifies, within the relaxed threshold
 * (4%), marked; where none qualifies even then, no choice. The rule reads the point estimates, as the paper's;
 * beside each choice it reports the drop's 95% interval and whether the drop is distinguishable from zero.
 */
import type { PairedDrop } from '../stats/paired-drop';
import type { ResultRow } from './results';

export interface Selection {
  split: string;
  /** The chosen row's id, or null when no configuration is within the relaxed threshold. */
  chosen: string | null;
  /** True when the choice needed the relaxed threshold. */
  relaxed: boolean;
  /** The chosen row's drop from the backbone on the same test images, with its interval and McNemar test; null without a choice. */
  drop: PairedDrop | null;
}

export type SelectableRow = Pick<ResultRow, 'id' | 'split' | 'bits' | 'accuracy' | 'drop' | 'pairedDrop'>;

export function selectPerSplit(
  rows: readonly SelectableRow[],
  threshold: number,
  relaxedThreshold: number,
): Selection[] {
  if (!(threshold >= 0 && relaxedThreshold >= threshold)) {
    throw new RangeError(
      `selection: expected 0 <= threshold <= relaxedThreshold, got ${threshold} and ${relaxedThreshold}`,
    );
  }
  const splits = [...new Set(rows.map((r) => r.split))];
  return splits.map((split) => {
    const candidates = rows.filter((r) => r.split === split).sort((a, b) => a.bits - b.bits || b.accuracy - a.accuracy);
    const strict = candidates.find((r) => r.drop <= threshold);
    if (strict) return { split, chosen: strict.id, relaxed: false, drop: strict.pairedDrop };
    const loose = candidates.find((r) => r.drop <= relaxedThreshold);
    return { split, chosen: loose?.id ?? null, relaxed: loose !== undefined, drop: loose?.pairedDrop ?? null };
  });
}
