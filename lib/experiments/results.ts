/** The results table of a preset: every finished sweep row, the selection, the backbone summary. */
import { writeJsonAtomic } from '../util/atomic';
import { readBackboneSummary, type BackboneSummary } from './backbone';
import { resultsFile } from './paths';
import type { Preset } from './preset';
import { selectPerSplit, type Selection } from './selection';
import { readRow, sweepConfigs, type SweepRow } from './sweep';
import { readJsonArtefactIfPresent } from '../util/artefact';

export interface Results {
  preset: string;
  backbone: BackboneSummary | null;
  rows: SweepRow[];
  selection: Selection[];
  /** Configurations of the preset not run yet. */
  missing: string[];
}

/** Gathers what has been run into `runs/<preset>/results.json` (atomically) and returns it. */
export function collectResults(preset: Preset): Results {
  const configs = sweepConfigs(preset);
  const rows = configs.map((c) => readRow(preset, c.id)).filter((r): r is SweepRow => r !== null);
  const results: Results = {
    preset: preset.name,
    backbone: readBackboneSummary(preset),
    rows,
    selection: selectPerSplit(rows, preset.selection.threshold, preset.selection.relaxedThreshold),
    missing: configs.filter((c) => !rows.some((r) => r.id === c.id)).map((c) => c.id),
  };
  writeJsonAtomic(resultsFile(preset.name), results);
  return results;
}

/** The results file of a preset as last written, or null (what the notebooks after the sweep read). */
export function readResults(preset: string): Results | null {
  return readJsonArtefactIfPresent<Results>(resultsFile(preset));
}
