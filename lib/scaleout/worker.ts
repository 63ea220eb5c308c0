/**
 * `spikesplit worker`: takes jobs from the queue and runs them with the functions a local run calls. It prints
 * each job's start, progress (the trainer's lines, also kept as the job's progress in Redis) and end. A job keeps
 * a lock in Redis, renewed while it runs; a worker that dies (SIGKILL, power loss) stops renewing, and after the
 * lock expires another worker's stalled-job check puts the job back in the queue, where a worker resumes it from
 * its last checkpoint in the store. On SIGTERM (`close`) the running jobs stop at their next batch and go back to
 * the queue. A job whose lock was lost (Redis restarted empty, or the lock expired) is stopped here too, since the
 * queue may have given it to another worker. Redis going away makes BullMQ's connections wait and reconnect.
 */
import * as os from 'os';
import { WaitingError, Worker, type Job } from 'bullmq';
import { runsRoot } from '../experiments/paths';
import { connectionOptions, type QueueAddress } from './connection';
import { QUEUED_EXPERIMENTS, type JobSummary } from './experiments';
import { ATTEMPTS, openQueue, QUEUE_NAME, rowJobs, type JobData } from './jobs';

export interface WorkerOptions {
  /** Jobs run at once in this process (they share its one thread; on the wasm backend, one worker per core). */
  concurrency?: number;
  /**
   * How long a job's lock lasts without renewal (s). It must outlast the longest stretch a row computes without
   * yielding (the evaluation of the test set runs in one go); a dead worker's job is taken up again after about
   * 1.5 times this. 300 s by default.
   */
  lockSeconds?: number;
  log?: (line: string) => void;
}

export interface RunningWorker {
  /** Stops taking jobs; the running ones stop at their next batch and return to the queue. */
  close(): Promise<void>;
  /** Resolves when the worker has closed. */
  closed: Promise<void>;
}

const SIGTERM_REASON = 'the worker is stopping';
const LOCK_LOST_REASON = 'the job lost its lock';

export async function startWorker(address: QueueAddress, options: WorkerOptions = {}): Promise<RunningWorker> {
  const log = options.log ?? ((l: string) => console.error(l));
  const me = `${os.hostname()}:${process.pid}`;
  const lockMs = 1000 * (options.lockSeconds ?? 300);
  const queue = openQueue(address);
  queue.on('error', (err) => log(`worker ${me}: queue connection: ${err.message}`));

  async function processJob(job: Job<JobData, JobSummary>, token: string | undefined, signal?: AbortSignal): Promise<JobSummary> {
    const d = job.data;
    const x = QUEUED_EXPERIMENTS[d.experiment];
    const tag = `job ${job.id}`;
    const t0 = Date.now();
    log(`${tag}: started (${d.kind}, attempt ${job.attemptsMade + 1}/${ATTEMPTS}) on ${me}`);
    const say = (line: string) => log(`${tag}: ${line}`);
    const train = {
      log: say,
      progress: (line: string) => {
        say(line);
        job.updateProgress(line).catch(() => {}); // best effort: progress must not stop a row
      },
      signal,
    };
    try {
      let summary: JobSummary;
      if (d.kind === 'backbone') summary = await x.runBackbone(d.preset, d.id, train);
      else if (d.kind === 'row') summary = await x.runRow(d.preset, d.id, train);
      else {
        const jobs = rowJobs(d);
        await queue.addBulk(jobs);
        summary = { enqueued: jobs.length };
      }
      log(`${tag}: finished in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(summary)}`);
      return { ...summary, worker: me };
    } catch (err) {
      if (signal?.aborted) {
        if (signal.reason === SIGTERM_REASON && token) await job.moveToWait(token);
        log(`${tag}: stopped (${String(signal.reason)}); ${signal.reason === SIGTERM_REASON ? 'back in the queue' : 'the queue decides who resumes it'}`);
        throw new WaitingError();
      }
      log(`${tag}: failed (attempt ${job.attemptsMade + 1}/${ATTEMPTS}): ${(err as Error).message}`);
      throw err;
    }
  }

  const worker = new Worker<JobData, JobSummary>(QUEUE_NAME, processJob, {
    connection: connectionOptions(address),
    concurrency: options.concurrency ?? 1,
    lockDuration: lockMs,
    stalledInterval: lockMs / 2,
    maxStalledCount: ATTEMPTS,
  });
  worker.on('error', (err) => log(`worker ${me}: ${err.message}`));
  worker.on('lockRenewalFailed', (ids: string[]) => ids.forEach((id) => worker.cancelJob(id, LOCK_LOST_REASON)));
  worker.on('stalled', (id: string) => log(`worker ${me}: job ${id} stalled (its worker stopped renewing its lock); back in the queue`));
  await worker.waitUntilReady();
  log(`worker ${me}: taking jobs from ${address.url} (queue '${QUEUE_NAME}', concurrency ${options.concurrency ?? 1}, lock ${lockMs / 1000} s, store ${runsRoot()})`);
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let closing: Promise<void> | null = null;
  return {
    closed,
    close() {
      closing ??= (async () => {
        worker.cancelAllJobs(SIGTERM_REASON);
        await worker.close();
        await queue.close();
        log(`worker ${me}: stopped`);
        resolveClosed();
      })();
      return closing;
    },
  };
}
