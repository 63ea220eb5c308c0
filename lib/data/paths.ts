import * as fs from 'fs';
import * as path from 'path';

/**
 * Where data lives by default: `<project root>/data` with `downloads/` (official archives, placed or
 * fetched), `cache/` (decoded image folders) and `sample/` (the small embedded sample, in git).
 * The project root is the nearest folder above this module whose package.json is spikesplit's, so the
 * same answer comes from `lib/` (type checking, tslab) and `dist/lib/` (compiled).
 */
export function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'spikesplit') return dir;
    if (path.dirname(dir) === dir) {
      throw new Error(`no package.json named 'spikesplit' above ${__dirname}; expected this module inside the project`);
    }
  }
}

/** `<project root>/data`. */
export function defaultDataDir(): string {
  return path.join(projectRoot(), 'data');
}
