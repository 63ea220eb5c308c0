/** Which sweep row stands for a split point in the link study: the selection rule's choice, else the least drop. */
import type { Results } from '../results';
import type { SweepRow } from '../sweep';

/**
 * How a split point's configuration was picked: by the selection rule (within 3%, or the relaxed 4%), or, where
 * no configuration is within the relaxed threshold, the one with the smallest accuracy drop (fewest bits on a tie).
 */
export type ConfigurationChoice = 'chosen' | 'relaxed' | 'least-drop';

export interface SplitConfiguration {
  split: string;
  row: SweepRow;
  choice: ConfigurationChoice;
}

/** One sweep row per split point, in the sweep's order: the selection rule's choice, else the least drop. */
export function configurationPerSplit(results: Results): SplitConfiguration[] {
  return results.selection.map(({ split, chosen, relaxed }) => {
    const rows = results.rows.filter((r) => r.split === split);
    const picked = rows.find((r) => r.id === chosen);
    if (picked) return { split, row: picked, choice: relaxed ? 'relaxed' : 'chosen' };
    const least = [...rows].sort((a, b) => a.drop - b.drop || a.bits - b.bits)[0];
    return { split, row: least, choice: 'least-drop' };
  });
}
