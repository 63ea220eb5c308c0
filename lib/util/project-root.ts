import * as fs from 'fs';
import * as path from 'path';

/**
 * The project root: the nearest folder above this module whose package.json is spikesplit's, so the same
 * answer comes from `lib/` (type checking, tslab) and `dist/lib/` (compiled). Data, runs and figures live
 * below it by default.
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
