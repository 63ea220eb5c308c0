/**
 * The uncertainty of one result row against its baseline, from the per-image correctness both stored: the row's
 * accuracy with its Wilson interval, and its drop from the baseline paired on the same test images.
 */
import { accuracyEstimate, decodeCorrectness, type AccuracyEstimate, type Correctness } from './correctness';
import { pairedDrop, type PairedDrop } from './paired-drop';

export interface RowUncertainty {
  /** Test accuracy with its 95% Wilson interval. */
  accuracyEstimate: AccuracyEstimate;
  /** The drop from the baseline on the same test images: paired-bootstrap interval, exact McNemar test. */
  pairedDrop: PairedDrop;
}

/** `where` names the two records (files) in the error of a missing, corrupt or unpaired one. */
export function rowUncertainty(
  baseline: Correctness | undefined,
  row: Correctness | undefined,
  where: { baseline: string; row: string },
  seed: number,
): RowUncertainty {
  const before = decodeCorrectness(baseline, where.baseline);
  const after = decodeCorrectness(row, where.row);
  if (after.length !== before.length) {
    throw new Error(
      `${where.row}: ${after.length} test images, the baseline's (${where.baseline}) ${before.length}; a paired drop needs the same test set (rerun the row)`,
    );
  }
  return { accuracyEstimate: accuracyEstimate(after), pairedDrop: pairedDrop(before, after, { seed }) };
}
