/**
 * What runs one job, in a worker thread of `spikesplit worker` (BullMQ's sandboxed processor): the row functions
 * compute for seconds at a time without yielding (a test-set evaluation runs in one go), and in a thread of
 * their own they cannot delay the lock renewals that the worker's main thread sends to Redis. The thread loads
 * its own tfjs backend; its stderr is the process's. A job stopped by its signal (SIGTERM of the worker, or a
 * lost lock) ends with BullMQ's WaitingError, which neither completes nor fails it: on SIGTERM it is first put
 * back in the queue; after a lost lock the queue has already given it to another worker.
 */
import * as os from 'os';
import { workerData } from 'worker_threads';
import { Queue, WaitingError, type SandboxedJob } from 'bullmq';
import { initBackend } from '../backend/backend';
import { connectionOptions, type QueueAddress } from './connection';
import { QUEUED_EXPERIMENTS, type JobSummary } from './experiments';
import { ATTEMPTS, QUEUE_NAME, rowJobs, STOP_REASONS, type JobData } from './jobs';

/** What the worker passes its threads. */
export interface JobThreadData {
  address: QueueAddress;
}

const me = `${os.hostname()}:${process.pid}`;
let backend: Promise<unknown> | null = null;
let queue: Queue | null = null;

export default async function processJob(job: SandboxedJob<JobData, JobSummary>, token?: string, signal?: AbortSignal): Promise<JobSummary> {
  const d = job.data;
  const x = QUEUED_EXPERIMENTS[d.experiment];
  const say = (line: string) => console.error(`job ${job.id}: ${line}`);
  const t0 = Date.now();
  say(`started (${d.kind}, attempt ${job.attemptsMade + 1}/${ATTEMPTS}) on ${me}`);
  const train = {
    log: say,
    progress: (line: string) => {
      say(line);
      job.updateProgress(line).catch(() => {}); // best effort: progress must not stop a row
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
      queue ??= new Queue(QUEUE_NAME, { connection: connectionOptions((workerData as JobThreadData).address) });
      await queue.addBulk(jobs);
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
