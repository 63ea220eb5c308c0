/**
 * Preloaded into the tslab kernel (`--require` in NODE_OPTIONS) by the notebook runner. tslab only logs an
 * unhandled promise rejection or an uncaught exception and carries on, so a notebook whose unawaited promise
 * failed would pass. This appends each one, as a JSON line, to the file named by SPIKESPLIT_KERNEL_ERRORS; the
 * runner reads that file after every cell and fails the notebook.
 */
import * as fs from 'fs';
import * as util from 'util';

const file = process.env.SPIKESPLIT_KERNEL_ERRORS;
if (file) {
  // Armed in the kernel only: node processes a notebook starts inherit NODE_OPTIONS but not this variable.
  delete process.env.SPIKESPLIT_KERNEL_ERRORS;
  const record = (kind: string) => (reason: unknown) => {
    fs.appendFileSync(file, JSON.stringify({ kind, error: util.inspect(reason) }) + '\n');
  };
  process.on('unhandledRejection', record('unhandled promise rejection'));
  process.on('uncaughtException', record('uncaught exception'));
}
