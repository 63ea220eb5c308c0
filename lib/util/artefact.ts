/**
 * The one reader of JSON artefacts (results, summaries, rows, checkpoints, manifests, specs): a file that is
 * missing, truncated or not JSON is reported as a FileError naming it and saying what to do, never as a bare
 * SyntaxError.
 */
import * as fs from 'fs';
import { describeFsError, FileError } from './file-error';

/** What to tell the user about a corrupt file of this kind. */
const RECOMPUTE = 'delete it to recompute';

/** The parsed file; FileError if it cannot be read or parsed. `remedy` is what a corrupt one needs. */
export function readJsonArtefact<T>(file: string, remedy = RECOMPUTE): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw describeFsError(err, file, 'read');
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new FileError(file, `${file} is truncated or corrupt (${(err as Error).message}); ${remedy}`);
  }
}

/** `readJsonArtefact`, or null when the file does not exist. */
export function readJsonArtefactIfPresent<T>(file: string, remedy = RECOMPUTE): T | null {
  return fs.existsSync(file) ? readJsonArtefact<T>(file, remedy) : null;
}

/**
 * `readJsonArtefactIfPresent` of a file whose format has grown: a FileError naming `file` when `isCurrent`
 * says it was written by an older format, lacking `what`; `remedy` says what to run.
 */
export function readCurrentJsonArtefact<T>(
  file: string,
  isCurrent: (value: T) => boolean,
  what: string,
  remedy: string,
): T | null {
  const value = readJsonArtefactIfPresent<T>(file);
  if (value !== null && !isCurrent(value))
    throw new FileError(file, `${file} was written before it recorded ${what}; ${remedy}`);
  return value;
}
