/** The NeuCODEX results: the finished backbones and rows gathered, with their intervals, into `neucodex.json`. */
import * as fs from 'fs';
import * as path from 'path';
import { accuracyEstimate, decodeCorrectness } from '../../stats/correctness';
import { rowUncertainty } from '../../stats/uncertainty';
import { readCurrentJsonArtefact, readJsonArtefactIfPresent } from '../../util/artefact';
import { writeJsonAtomic } from '../../util/atomic';
import { neucodexResultsFile } from '../paths';
import { readableRunFile } from '../published';
import type { Preset } from '../preset';
import { neucodexBackboneDir, neucodexConfigDir, neucodexConfigs } from './configs';
import type { NeucodexBackbone, NeucodexResultRow, NeucodexResults, NeucodexRow } from './schema';

/** Gathers what has been run into `runs/<preset>/neucodex.json` (atomically) and returns it. */
export function collectNeucodex(preset: Preset): NeucodexResults {
  const configs = neucodexConfigs(preset);
  const groups = [...new Set(configs.map((c) => c.group))];
  const backboneFile = (group: string) => path.join(neucodexBackboneDir(preset.name, group), 'summary.json');
  const backbones = groups.flatMap((g) => {
    const b = readJsonArtefactIfPresent<NeucodexBackbone>(backboneFile(g));
    return b === null
      ? []
      : [{ ...b, accuracyEstimate: accuracyEstimate(decodeCorrectness(b.correct, backboneFile(g))) }];
  });
  const rows = configs.flatMap((c): NeucodexResultRow[] => {
    const file = path.join(neucodexConfigDir(preset.name, c), 'row.json');
    const r = readJsonArtefactIfPresent<NeucodexRow>(file);
    if (r === null) return [];
    const b = backbones.find((x) => x.group === c.group);
    if (b === undefined) throw new Error(`${file} has no backbone summary beside it at ${backboneFile(c.group)}`);
    return [{ ...r, ...rowUncertainty(b.correct, r.correct, { baseline: backboneFile(c.group), row: file }, r.seed) }];
  });
  const results: NeucodexResults = {
    preset: preset.name,
    config: preset.neucodex,
    backbones,
    rows,
    missing: configs.filter((c) => !rows.some((r) => r.id === c.id)).map((c) => c.id),
  };
  writeJsonAtomic(neucodexResultsFile(preset.name), results);
  return results;
}

/** The NeuCODEX results of a preset as last written, or null (notebook 06 collects the rows instead, training what is missing). */
export function readNeucodex(preset: string): NeucodexResults | null {
  return readCurrentJsonArtefact<NeucodexResults>(
    readableRunFile(preset, neucodexResultsFile(preset)),
    (r) =>
      r.rows.every((row) => row.pairedDrop !== undefined) && r.backbones.every((b) => b.accuracyEstimate !== undefined),
    'intervals (per-image correctness)',
    `run 'spikesplit neucodex --preset ${preset}' again (rows without per-image correctness must be deleted and rerun)`,
  );
}

export function neucodexRowFinished(preset: Preset, id: string): boolean {
  const c = neucodexConfigs(preset).find((x) => x.id === id);
  return c !== undefined && fs.existsSync(path.join(neucodexConfigDir(preset.name, c), 'row.json'));
}
