/** What every result records about how it was made: preset, backend, seed, git revision, time. */
import { execFileSync } from 'child_process';
import { activeBackend } from '../backend/backend';
import { projectRoot } from '../util/project-root';

export interface Provenance {
  preset: string;
  backend: string;
  seed: number;
  /** `git rev-parse HEAD` of the checkout, with `-dirty` when it has uncommitted changes; 'unknown' outside git. */
  gitRevision: string;
  date: string;
}

let revision: string | null = null;

export function gitRevision(): string {
  if (revision !== null) return revision;
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: projectRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const head = git('rev-parse', 'HEAD');
    revision = git('status', '--porcelain', '--untracked-files=no') === '' ? head : `${head}-dirty`;
  } catch {
    revision = 'unknown';
  }
  return revision;
}

export function provenance(preset: string, seed: number): Provenance {
  return { preset, backend: activeBackend(), seed, gitRevision: gitRevision(), date: new Date().toISOString() };
}
