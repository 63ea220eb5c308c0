/**
 * Checkpoints of a training run, resumable after `kill -9`. In `<runDir>/checkpoint/`: the weights and the
 * optimizer state of the last finished epoch (each a manifest + binary from `saveWeights`), then
 * `latest.json`, written last and atomically, which names them and holds the epoch history. A run killed
 * before `latest.json` is replaced resumes from the previous epoch: at most the current epoch is lost.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadWeights, saveWeights, type HasNamedVariables } from '../models/weights';
import { writeJsonAtomic } from '../util/atomic';
import { readJsonArtefactIfPresent } from '../util/artefact';

export const CHECKPOINT_FORMAT = 'spikesplit-checkpoint';

export interface CheckpointState<R> {
  format: typeof CHECKPOINT_FORMAT;
  /** Epochs finished (1-based count). */
  epochs: number;
  weights: string;
  optimizer: string;
  history: R[];
}

function dir(runDir: string): string {
  return path.join(runDir, 'checkpoint');
}

/** The state of the last finished epoch, or null when the run has none. */
export function readCheckpoint<R>(runDir: string): CheckpointState<R> | null {
  const file = path.join(dir(runDir), 'latest.json');
  const state = readJsonArtefactIfPresent<CheckpointState<R>>(file, `delete ${dir(runDir)} to train from the start`);
  if (state === null) return null;
  if (state.format !== CHECKPOINT_FORMAT)
    throw new Error(`${file}: format '${String(state.format)}', expected '${CHECKPOINT_FORMAT}'`);
  return state;
}

/** Loads the weights and optimizer state of `state` into the given objects. */
export function restoreCheckpoint(
  runDir: string,
  state: CheckpointState<unknown>,
  model: HasNamedVariables,
  optimizer: HasNamedVariables,
): void {
  loadWeights(model, path.join(dir(runDir), state.weights));
  loadWeights(optimizer, path.join(dir(runDir), state.optimizer));
}

/** Saves epoch `epochs`, points `latest.json` at it, then removes the files of earlier epochs. */
export function writeCheckpoint<R>(
  runDir: string,
  epochs: number,
  history: R[],
  model: HasNamedVariables,
  optimizer: HasNamedVariables,
): void {
  const d = dir(runDir);
  fs.mkdirSync(d, { recursive: true });
  const weights = `epoch-${epochs}.json`,
    opt = `epoch-${epochs}-optimizer.json`;
  saveWeights(model, path.join(d, weights));
  saveWeights(optimizer, path.join(d, opt));
  const state: CheckpointState<R> = { format: CHECKPOINT_FORMAT, epochs, weights, optimizer: opt, history };
  writeJsonAtomic(path.join(d, 'latest.json'), state);
  const keep = new Set([weights, opt].flatMap((f) => [f, f.replace(/\.json$/, '.bin')]).concat('latest.json'));
  for (const f of fs.readdirSync(d)) if (!keep.has(f) && !f.endsWith('.tmp')) fs.rmSync(path.join(d, f));
}
