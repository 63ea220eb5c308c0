/**
 * `spikesplit worker`: takes jobs from the queue and runs each in a worker thread (`job-thread.ts`) with the
 * functions a local run calls; it prints each job's start, progress (also kept as the job's progress in Redis)
 * and end. A running job holds a lock in Redis, renewed by this (main) thread. A worker that dies (SIGKILL,
 * power loss) stops renewing; once the lock expires, another worker's stalled-job check puts the job back in the
 * queue, and a worker resumes it from its last checkpoint in the store. `close` (SIGTERM) stops the running jobs
 * at their next batch and puts them back in the queue. A job whose lock was lost (Redis restarted empty, say) is
 * stopped too, since the queue may have given it to another worker. While Redis is away, BullMQ's connections
 * wait and reconnect.
 */
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'bullmq';
import { currentSettings } from '../experiments/environment';
import { runsRoot } from '../experiments/paths';
import { connectionOptions, type QueueAddress } from './connection';
import type { JobSummary } from './experiments';
import type { JobThreadData } from './job-thread';
import { ATTEMPTS, QUEUE_NAME, STOP_REASONS, type JobData } from './jobs';

export interface WorkerOptions {
  /** Jobs run at once, each in its own thread (on the wasm backend each uses one core). */
  concurrency?: number;
  /** How long a job's lock lasts without renewal (s); a dead worker's job is taken up again after 1 to 1.5 times this. 30 s by default. */
  lockSeconds?: number;
  log?: (line: string) => void;
}

export interface RunningWorker {
  /** Stops taking jobs; the running ones stop at their next batch and return to the queue. */
  close(): Promise<void>;
  /** Resolves when the worker has closed. */
  closed: Promise<void>;
}

export async function startWorker(address: QueueAddress, options: WorkerOptions = {}): Promise<RunningWorker> {
  const log = options.log ?? ((l: string) => console.error(l));
  const me = `${os.hostname()}:${process.pid}`;
  const lockMs = 1000 * (options.lockSeconds ?? 30);
  const concurrency = options.concurrency ?? 1;
  const workerData: JobThreadData = { address, settings: currentSettings() };
  const worker = new Worker<JobData, JobSummary>(QUEUE_NAME, path.join(__dirname, 'job-thread.js'), {
    connection: connectionOptions(address),
    concurrency,
    useWorkerThreads: true,
    workerThreadsOptions: { workerData },
    lockDuration: lockMs,
    stalledInterval: lockMs / 2,
    maxStalledCount: ATTEMPTS,
  });
  worker.on('error', (err) => log(`worker ${me}: ${err.message}`));
  worker.on('lockRenewalFailed', (ids: string[]) => ids.forEach((id) => worker.cancelJob(id, STOP_REASONS.lockLost)));
  worker.on('stalled', (id: string) =>
    log(`worker ${me}: job ${id} stalled (its worker stopped renewing its lock); back in the queue`),
  );
  await worker.waitUntilReady();
  log(
    `worker ${me}: taking jobs from ${address.url} (queue '${QUEUE_NAME}', concurrency ${concurrency}, lock ${lockMs / 1000} s, store ${runsRoot()})`,
  );
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let closing: Promise<void> | null = null;
  return {
    closed,
    close() {
      closing ??= (async () => {
        worker.cancelAllJobs(STOP_REASONS.sigterm);
        await worker.close();
        log(`worker ${me}: stopped`);
        resolveClosed();
      })();
      return closing;
    },
  };
}
