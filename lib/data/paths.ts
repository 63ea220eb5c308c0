import * as path from 'path';
import { projectRoot } from '../util/project-root';

/**
 * Where data lives by default: `<project root>/data` with `downloads/` (official archives, placed or
 * fetched), `cache/` (decoded image folders) and `sample/` (the small embedded sample, in git).
 */
export function defaultDataDir(): string {
  return path.join(projectRoot(), 'data');
}
