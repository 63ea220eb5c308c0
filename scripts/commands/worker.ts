import { checkReachable, initBackend, parseQueueUrl, startWorker, useStore } from 'spikesplit';
import { numberOption, UsageError, type Command } from './command';

export const worker: Command = {
  name: 'worker',
  summary: 'Take sweep and NeuCODEX jobs from a Redis queue and run them (any number of workers, on any machine reaching Redis and the store); SIGTERM returns the running job to the queue.',
  options: { queue: { type: 'string' }, concurrency: { type: 'string' }, store: { type: 'string' }, 'lock-seconds': { type: 'string' } },
  help: {
    queue: 'redis://HOST:PORT[/DB] (required)',
    concurrency: 'jobs at once in this process (default 1; they share one thread: start one worker per core instead)',
    store: 'the folder of weights, checkpoints and rows every worker shares (default: runs/ or SPIKESPLIT_RUNS_DIR)',
    'lock-seconds': "a job's lock in Redis; a dead worker's job is taken up again after about 1.5x this (default 300; it must outlast the longest evaluation)",
  },
  async run(values) {
    if (values.queue === undefined) throw new UsageError('spikesplit worker: --queue redis://HOST:PORT[/DB] is required');
    const address = parseQueueUrl(String(values.queue));
    const concurrency = numberOption(values, 'concurrency', 1, { min: 1, max: 64, integer: true });
    const lockSeconds = numberOption(values, 'lock-seconds', 300, { min: 1, max: 86_400 });
    useStore(values.store === undefined ? undefined : String(values.store));
    await checkReachable(address);
    await initBackend();
    const running = await startWorker(address, { concurrency, lockSeconds });
    const stop = (signal: string) => {
      console.error(`worker: ${signal}: stopping; a running job goes back to the queue`);
      void running.close();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    await running.closed;
  },
};
