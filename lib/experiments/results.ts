/** The results table of a preset: every finished sweep row with its intervals, the selection, the backbone summary. */
import { writeJsonAtomic } from '../util/atomic';
import { backboneAccuracy, readBackboneSummary, type BackboneSummary } from './backbone';
import { backboneSummaryFile, resultsFile, sweepRowFile } from './paths';
import { readableRunFile } from './published';
import type { Preset } from './preset';
import { selectPerSplit, type Selection } from './selection';
import { readRow, sweepConfigs, type SweepRow } from './sweep';
import { readCurrentJsonArtefact } from '../util/artefact';
import type { AccuracyEstimate } from '../stats/correctness';
import { rowUncertainty, type RowUncertainty } from '../stats/uncertainty';

/** A sweep row with the uncertainty of its numbers, from its and the backbone's (same T) per-image correctness. */
export type ResultRow = SweepRow & RowUncertainty;

export interface Results {
  preset: string;
  backbone: BackboneSummary | null;
  /** The backbone's test accuracy with its 95% Wilson interval, by time steps. */
  backboneAccuracy: Record<string, AccuracyEstimate>;
  rows: ResultRow[];
  /** The selection rule's thresholds (fractions) and, per split point, its choice. */
  selectionRule: Preset['selection'];
  selection: Selection[];
  /** Configurations of the preset not run yet. */
  missing: string[];
}

/** Gathers what has been run into `runs/<preset>/results.json` (atomically) and returns it. */
export function collectResults(preset: Preset): Results {
  const configs = sweepConfigs(preset);
  const backbone = readBackboneSummary(preset);
  const backboneFile = backboneSummaryFile(preset.name);
  const sweepRows = configs.map((c) => readRow(preset, c.id)).filter((r): r is SweepRow => r !== null);
  if (sweepRows.length > 0 && backbone === null)
    throw new Error(`preset '${preset.name}' has sweep rows but no backbone summary at ${backboneFile}`);
  const rows = sweepRows.map((r): ResultRow => ({
    ...r,
    ...rowUncertainty(
      backbone!.correctByT?.[r.T],
      r.correct,
      { baseline: `${backboneFile} at T=${r.T}`, row: sweepRowFile(preset.name, r.id) },
      r.seed,
    ),
  }));
  const results: Results = {
    preset: preset.name,
    backbone,
    backboneAccuracy: backbone === null ? {} : backboneAccuracy(backbone),
    rows,
    selectionRule: preset.selection,
    selection: selectPerSplit(rows, preset.selection.threshold, preset.selection.relaxedThreshold),
    missing: configs.filter((c) => !rows.some((r) => r.id === c.id)).map((c) => c.id),
  };
  writeJsonAtomic(resultsFile(preset.name), results);
  return results;
}

/** The results file of a preset as last written, or null (what the notebooks after the sweep read). */
export function readResults(preset: string): Results | null {
  return readCurrentJsonArtefact<Results>(
    readableRunFile(preset, resultsFile(preset)),
    (r) => r.backboneAccuracy !== undefined && r.rows.every((row) => row.pairedDrop !== undefined),
    'intervals (per-image correctness)',
    `run 'spikesplit sweep --preset ${preset}' again (rows without per-image correctness must be deleted and rerun)`,
  );
}
