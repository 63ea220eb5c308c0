/**
 * Where a preset's runs and results live: `<root>/<preset>/`. The root is `<project>/runs` unless an entry point
 * sets another (`setRunsRoot`: the CLI and notebooks pass `SPIKESPLIT_RUNS_DIR`, a queue worker its `--store`).
 */
import * as path from 'path';
import { projectRoot } from '../util/project-root';

let root: string | undefined;

/** Makes `dir` the folder every preset's runs live in; undefined: `<project>/runs` again. */
export function setRunsRoot(dir: string | undefined): void {
  root = dir;
}

/** The folder every preset's runs live in (a queue worker's store). */
export function runsRoot(): string {
  return root ?? path.join(projectRoot(), 'runs');
}

export function runsDir(preset: string): string {
  return path.join(runsRoot(), preset);
}

export const backboneDir = (preset: string) => path.join(runsDir(preset), 'backbone');
export const backboneWeights = (preset: string) => path.join(backboneDir(preset), 'weights.json');
export const backboneSummaryFile = (preset: string) => path.join(backboneDir(preset), 'summary.json');
export const sweepRowDir = (preset: string, id: string) => path.join(runsDir(preset), 'sweep', id);
export const sweepRowFile = (preset: string, id: string) => path.join(sweepRowDir(preset, id), 'row.json');
export const resultsFile = (preset: string) => path.join(runsDir(preset), 'results.json');

/** NeuCODEX: `neucodex/<model>-<input>/` per backbone and input, each with `backbone/` and one `T<T'>/` per T'. */
export const neucodexDir = (preset: string) => path.join(runsDir(preset), 'neucodex');
export const neucodexResultsFile = (preset: string) => path.join(runsDir(preset), 'neucodex.json');
/** The name of a backbone x input's folder, e.g. `resnet18-static`. */
export const neucodexGroup = (model: string, input: string) => `${model}-${input}`;
export const neucodexGroupDir = (preset: string, group: string) => path.join(neucodexDir(preset), group);
