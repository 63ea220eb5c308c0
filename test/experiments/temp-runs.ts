// A fresh runs root for one test file, and the wasm backend: the runs root (`setRunsRoot`) is it from the
// file's `before` to its `after`, which removes it and sets the default again.
import { before, after } from 'node:test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend, setRunsRoot } from 'spikesplit';

export function useTempRunsDir(prefix: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  before(async () => {
    setRunsRoot(root);
    await initBackend('wasm', () => {});
  });
  after(() => {
    setRunsRoot(undefined);
    fs.rmSync(root, { recursive: true, force: true });
  });
  return root;
}
