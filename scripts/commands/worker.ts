import { checkReachable, parseQueueUrl, startWorker, useStore } from 'spikesplit';
import { numberOption, stringOption, UsageError, type Command } from './command';

export const worker: Command = {
  name: 'worker',
  summary:
    'Take sweep and NeuCODEX jobs from a Redis queue and run them (any number of workers, on any machine ' +
    'reaching Redis and the store); SIGTERM returns the running job to the queue.',
  options: {
    queue: stringOption('redis://HOST:PORT[/DB] (required)'),
    concurrency: stringOption('jobs at once, each in its own thread (default 1; on the wasm backend, one per core)'),
    store: stringOption(
      'the folder of weights, checkpoints and rows every worker shares (default: runs/ or SPIKESPLIT_RUNS_DIR)',
    ),
    'lock-seconds': stringOption(
      "a job's lock in Redis, renewed while the job runs; a dead worker's job is taken up again 1 to 1.5 times this later (default 30)",
    ),
  },
  async run(values) {
    if (values.queue === undefined)
      throw new UsageError('spikesplit worker: --queue redis://HOST:PORT[/DB] is required');
    const address = parseQueueUrl(String(values.queue));
    const concurrency = numberOption(values, 'concurrency', 1, { min: 1, max: 64, integer: true });
    const lockSeconds = numberOption(values, 'lock-seconds', 30, { min: 1, max: 86_400 });
    useStore(values.store === undefined ? undefined : String(values.store));
    await checkReachable(address);
    const running = await startWorker(address, { concurrency, lockSeconds });
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        console.error(`worker: ${signal} again: exiting now`);
        process.exit(1);
      }
      stopping = true;
      console.error(
        `worker: ${signal}: stopping; a running job goes back to the queue (${signal} again exits at once)`,
      );
      void running.close();
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    await running.closed;
  },
};
