/** How many threads the engine uses: `SPIKESPLIT_THREADS` when set, else every core (`os.availableParallelism()`). */
import * as os from 'os';

export function engineThreads(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.SPIKESPLIT_THREADS;
  if (value === undefined || value === '') return os.availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`SPIKESPLIT_THREADS must be a positive integer, got '${value}'`);
  return n;
}
