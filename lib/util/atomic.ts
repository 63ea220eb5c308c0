import * as fs from 'fs';
import * as path from 'path';
import { describeFsError, FileError, fsReason } from './file-error';

/**
 * Writes a file so that a reader (or a run resumed after `kill -9`) sees either the old content or the
 * new, never a torn file: write to a temporary file beside it, fsync, then rename over the target. A failed
 * write (a full disk, a read-only file system) removes its temporary file and throws a FileError naming the
 * path and the cause.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  ensureDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw describeFsError(err, file, 'write');
  }
}

/** `writeFileAtomic` of pretty-printed JSON. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Creates `dir` (and its parents); FileError naming it and the cause if it cannot. A recursive mkdir can report
 * ENOENT where the real cause is its nearest existing ancestor (read-only, not writable), so that is asked too.
 */
function ensureDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    let ancestor = path.dirname(dir);
    while (!fs.existsSync(ancestor) && path.dirname(ancestor) !== ancestor) ancestor = path.dirname(ancestor);
    try {
      fs.accessSync(ancestor, fs.constants.W_OK);
    } catch (cause) {
      throw new FileError(dir, `cannot create the directory ${dir}: ${ancestor} is not writable: ${fsReason(cause)}`);
    }
    throw describeFsError(err, dir, 'create the directory');
  }
}

/**
 * Checks, before a long run writes anything, that files can be written in `dir`: creates it and writes and
 * removes a probe file. Throws a FileError naming the directory and the cause.
 */
export function checkWritableDir(dir: string): void {
  ensureDir(dir);
  writeFileAtomic(path.join(dir, '.write-probe'), 'probe\n');
  fs.rmSync(path.join(dir, '.write-probe'), { force: true });
}
