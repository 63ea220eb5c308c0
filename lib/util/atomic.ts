import * as fs from 'fs';
import * as path from 'path';

/**
 * Writes a file so that a reader (or a run resumed after `kill -9`) sees either the old content or the
 * new, never a torn file: write to a temporary file beside it, fsync, then rename over the target.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** `writeFileAtomic` of pretty-printed JSON. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}
