/**
 * A file that cannot be read or written as expected: the message names the file, what is wrong and what to do.
 * The command line prints it as one line (no stack trace) and exits 2.
 */
export class FileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'FileError';
  }
}

/** A FileError `cannot <doing> <file>: <reason>` for an operating-system error on `file`. */
export function describeFsError(err: unknown, file: string, doing: string): FileError {
  return new FileError(file, `cannot ${doing} ${file}: ${fsReason(err)}`);
}

/** What an operating-system error means, in words, for the codes a user can act on; else its message. */
export function fsReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOENT: 'no such file or directory',
    ENOTDIR: 'a part of the path is not a directory',
    EISDIR: 'it is a directory',
  };
  return e?.code !== undefined && why[e.code] ? `${why[e.code]} (${e.code})` : (e?.message ?? String(err));
}
