// A fresh runs root for one test file, and the wasm backend: SPIKESPLIT_RUNS_DIR points at the root from the
// file's `before` to its `after`, which removes the root and restores the variable.
import { before, after } from 'node:test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from 'spikesplit';

export function useTempRunsDir(prefix: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const previous = process.env.SPIKESPLIT_RUNS_DIR;
  before(async () => {
    process.env.SPIKESPLIT_RUNS_DIR = root;
    await initBackend('wasm', () => {});
  });
  after(() => {
    if (previous === undefined) delete process.env.SPIKESPLIT_RUNS_DIR;
    else process.env.SPIKESPLIT_RUNS_DIR = previous;
    fs.rmSync(root, { recursive: true, force: true });
  });
  return root;
}
