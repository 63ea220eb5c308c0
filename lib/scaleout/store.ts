/**
 * The artefact store: the folder every worker and the following `sweep --queue` reach (on a cluster, a shared
 * file system). It is the runs root (`setRunsRoot`: `--store`, else `SPIKESPLIT_RUNS_DIR` or `runs/`):
 * backbones, checkpoints and `row.json` land in `<store>/<preset>/` exactly as a local run writes them,
 * atomically, so a row that moves to another worker resumes from its last finished epoch.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runsRoot, setRunsRoot } from '../experiments/paths';
import { writeFileAtomic } from '../util/atomic';
import { ScaleoutError } from './connection';

/** Checks that `dir` (default: the runs root) can be created and written (a probe file, written atomically and removed), then makes it the runs root. */
export function useStore(dir: string = runsRoot()): string {
  const root = path.resolve(dir);
  const probe = path.join(root, `.probe-${os.hostname()}-${process.pid}`);
  try {
    fs.mkdirSync(root, { recursive: true });
    writeFileAtomic(probe, 'spikesplit store probe\n');
    fs.rmSync(probe);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ScaleoutError(
      `--store ${root} cannot be written (${e.code ?? e.message}); expected a writable folder that every worker reaches`,
    );
  }
  setRunsRoot(root);
  return root;
}
