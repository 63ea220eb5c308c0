/**
 * What runs one job, in a worker thread of `spikesplit worker` (BullMQ's sandboxed processor): the row functions
 * compute for seconds at a time without yielding (a test-set evaluation runs in one go), and in a thread of
 * their own they cannot delay the lock renewals that the worker's main thread sends to Redis. The thread loads
 * its own tfjs backend; its stderr is the process's. A job stopped by its signal (SIGTERM of the worker, or a
 * lost lock) ends with BullMQ's WaitingError, which neither completes nor fails it: on SIGTERM it is first put
 * back in the queue; after a lost lock the queue has already given it to another worker.
 *
 * Progress goes to Redis through this thread's own connection, never through the SandboxedJob's
 * `updateProgress`: that one runs in the worker's main thread, and when it fails there (a Redis restarted empty
 * has no key for the job) BullMQ ends the job at once and returns this thread to its pool while the row still
 * runs. The next job given the thread is then refused ('cannot start a not idling child process', a failed
 * attempt), or takes the row's summary, when it comes, for its own result and completes without having run
 * (issue 15). Only `moveToWait` on SIGTERM still goes through the main thread: the worker is closing then, and
 * gives the thread no other job.
 */
import * as os from 'os';
import { workerData } from 'worker_threads';
import { Queue, WaitingError, type SandboxedJob } from 'bullmq';
import { initBackend } from '../backend/backend';
import { applySettings, type Settings } from '../experiments/environment';
import { connectionOptions, type QueueAddress } from './connection';
import { QUEUED_EXPERIMENTS, type JobSummary } from './experiments';
import { ATTEMPTS, QUEUE_NAME, rowJobs, STOP_REASONS, type JobData } from './jobs';

/** What the worker passes its threads: the queue, and the settings of its entry point (the store among them). */
export interface JobThreadData {
  address: QueueAddress;
  settings: Settings;
}

applySettings((workerData as JobThreadData).settings);

const me = `${os.hostname()}:${process.pid}`;
let backend: Promise<unknown> | null = null;
let queue: Queue | null = null;

/** This thread's connection to the queue (the worker's main thread reports connection errors). */
function threadQueue(): Queue {
  if (!queue) {
    queue = new Queue(QUEUE_NAME, { connection: connectionOptions((workerData as JobThreadData).address) });
    queue.on('error', () => {});
  }
  return queue;
}

export default async function processJob(
  job: SandboxedJob<JobData, JobSummary>,
  token?: string,
  signal?: AbortSignal,
): Promise<JobSummary> {
  const d = job.data;
  const x = QUEUED_EXPERIMENTS[d.experiment];
  const say = (line: string) => console.error(`job ${job.id}: ${line}`);
  const t0 = Date.now();
  say(`started (${d.kind}, attempt ${job.attemptsMade + 1}/${ATTEMPTS}) on ${me}`);
  const train = {
    log: say,
    progress: (line: string) => {
      say(line);
      threadQueue()
        .updateJobProgress(job.id!, line)
        .catch(() => {}); // best effort: progress must not stop a row
    },
    signal,
  };
  try {
    backend ??= initBackend(undefined, say);
    await backend;
    let summary: JobSummary;
    if (d.kind === 'backbone') summary = await x.runBackbone(d.preset, d.id, train);
    else if (d.kind === 'row') summary = await x.runRow(d.preset, d.id, train);
    else {
      const jobs = rowJobs(d);
      await threadQueue().addBulk(jobs);
      summary = { enqueued: jobs.length };
    }
    say(`finished in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(summary)}`);
    return { ...summary, worker: me };
  } catch (err) {
    if (signal?.aborted) {
      const sigterm = signal.reason === STOP_REASONS.sigterm;
      if (sigterm) await job.moveToWait(token);
      say(`stopped (${String(signal.reason)}); ${sigterm ? 'back in the queue' : 'the queue decides who resumes it'}`);
      throw new WaitingError();
    }
    say(`failed (attempt ${job.attemptsMade + 1}/${ATTEMPTS}): ${(err as Error).message}`);
    throw err;
  }
}
