/**
 * Where an experiment stands on the queue, from the store (finished rows) and Redis (the jobs' states), and the
 * follower of `sweep --queue`: it prints rows finished, running, waiting and failed with the rate and the time
 * left, enqueues again what Redis no longer holds (a Redis restarted without persistence: the store still has
 * every finished row), and returns once nothing more can happen.
 */
import type { Queue } from 'bullmq';
import { runsRoot } from '../experiments/paths';
import type { Preset } from '../experiments/preset';
import { durationClock, stderrMessage, stderrStatus, type ProgressSink } from '../util/progress';
import type { QueueAddress } from './connection';
import { QUEUED_EXPERIMENTS, type ExperimentName } from './experiments';
import { backboneJobId, enqueueExperiment, openQueue, rowJobId, rowsJobId, type EnqueueOptions } from './jobs';

/** finished: in the store; waiting: queued, or to be queued once its backbone is done; absent: Redis holds no job for it. */
export type RowState = 'finished' | 'running' | 'waiting' | 'failed' | 'absent';

export interface JobStatus {
  id: string;
  state: RowState;
  /** Attempts made so far (failed ones), from Redis. */
  attempts: number;
  /** The failure, or the last progress line of a running job. */
  note: string;
}

export interface ExperimentStatus {
  experiment: ExperimentName;
  preset: string;
  backbones: JobStatus[];
  rows: JobStatus[];
  counts: Record<RowState, number>;
  /** True when no row can change any more: each finished, or failed, or behind a failed backbone. */
  settled: boolean;
}

/**
 * A row's state; without `parentId`, a backbone's, which is finished once its job has completed. `finished`
 * reads the store, and is asked again after the job's state: a worker writes the row before its job completes,
 * so a row that completes between the two reads is seen in the store, not taken for one the store lacks.
 */
async function jobStatus(
  queue: Queue,
  jobId: string,
  id: string,
  finished: () => boolean,
  parentId?: string,
): Promise<JobStatus> {
  if (finished()) return { id, state: 'finished', attempts: 0, note: '' };
  const job = await queue.getJob(jobId);
  if (!job) {
    // not queued yet: a row waits for its group's `rows` job (which waits for the backbone)
    const parent = parentId ? await queue.getJobState(parentId) : 'unknown';
    return {
      id,
      state: parent === 'unknown' || parent === 'completed' ? 'absent' : parent === 'failed' ? 'failed' : 'waiting',
      attempts: 0,
      note: parent === 'failed' ? 'its backbone failed' : '',
    };
  }
  const state = await job.getState();
  const progress = typeof job.progress === 'string' ? job.progress : '';
  if (state === 'failed') return { id, state: 'failed', attempts: job.attemptsMade, note: job.failedReason ?? '' };
  if (state === 'active') return { id, state: 'running', attempts: job.attemptsMade, note: progress };
  if (state === 'completed' && (parentId === undefined || finished()))
    return { id, state: 'finished', attempts: job.attemptsMade, note: '' };
  if (state === 'completed') {
    // done on a worker, but this command's store has no result: the two do not share a store
    const on = String((job.returnvalue as Record<string, unknown> | null)?.worker ?? 'a worker');
    return {
      id,
      state: 'failed',
      attempts: job.attemptsMade,
      note: `completed on ${on}, but this --store (${runsRoot()}) does not have it: do the workers use the same store?`,
    };
  }
  return {
    id,
    state: 'waiting',
    attempts: job.attemptsMade,
    note: job.attemptsMade > 0 ? `retrying after: ${job.failedReason ?? ''}` : '',
  };
}

export async function experimentStatus(
  queue: Queue,
  experiment: ExperimentName,
  preset: Preset,
): Promise<ExperimentStatus> {
  const x = QUEUED_EXPERIMENTS[experiment];
  const backbones: JobStatus[] = [];
  const rows: JobStatus[] = [];
  for (const g of x.groups(preset)) {
    const allDone = () => g.rows.every((r) => x.rowFinished(preset, r));
    const b = await jobStatus(queue, backboneJobId(preset.name, experiment, g.backbone), g.backbone, allDone);
    backbones.push(b);
    for (const r of g.rows) {
      const s = await jobStatus(
        queue,
        rowJobId(preset.name, experiment, r),
        r,
        () => x.rowFinished(preset, r),
        rowsJobId(preset.name, experiment, g.backbone),
      );
      rows.push(
        b.state === 'failed' && s.state !== 'finished'
          ? { ...s, state: 'failed', note: `its backbone failed: ${b.note}` }
          : s,
      );
    }
  }
  const counts: Record<RowState, number> = { finished: 0, running: 0, waiting: 0, failed: 0, absent: 0 };
  for (const r of rows) counts[r.state]++;
  return {
    experiment,
    preset: preset.name,
    backbones,
    rows,
    counts,
    settled: counts.finished + counts.failed === rows.length,
  };
}

/** One line: counts, the backbones, and (once rows have finished while following) the rate and the time left. */
export function statusLine(s: ExperimentStatus, rate?: { rowsPerHour: number }): string {
  const c = s.counts;
  const parts = [
    `${s.preset} ${s.experiment}: ${c.finished}/${s.rows.length} rows finished, ${c.running} running, ${c.waiting} waiting, ${c.failed} failed`,
  ];
  if (c.absent > 0) parts.push(`${c.absent} not on the queue`);
  const pending = s.backbones.filter((b) => b.state !== 'finished');
  if (pending.length > 0)
    parts.push(`backbone${pending.length > 1 ? 's' : ''} ${pending.map((b) => `${b.id} ${b.state}`).join(', ')}`);
  if (rate && rate.rowsPerHour > 0) {
    const left = c.running + c.waiting + c.absent;
    parts.push(`${rate.rowsPerHour.toFixed(1)} rows/h`, `ETA ${durationClock((3600 * left) / rate.rowsPerHour)}`);
  }
  return parts.join('; ');
}

export interface FollowOptions extends EnqueueOptions {
  /** Messages (a lost connection, jobs enqueued again); stderr by default. */
  log?: (line: string) => void;
  /** The status line (rows done, running, waiting, failed, rate, ETA); final when the experiment settles. By default rewritten in place on a terminal, else a line each time it changes. */
  status?: ProgressSink;
  /** Between two looks at the queue (ms); 2000 by default. */
  pollMs?: number;
  /** Stops following (throwing the signal's reason); the jobs stay on the queue. */
  signal?: AbortSignal;
}

/**
 * Enqueues what the store has not finished, then follows the queue until the experiment settles, printing a line
 * when the counts change (and every minute); enqueues again any group whose jobs Redis no longer holds.
 */
export async function followExperiment(
  address: QueueAddress,
  experiment: ExperimentName,
  preset: Preset,
  options: FollowOptions = {},
): Promise<ExperimentStatus> {
  const log = options.log ?? stderrMessage;
  const status = options.status ?? stderrStatus();
  const queue = openQueue(address);
  queue.on('error', (err) => log(`queue connection: ${err.message}`));
  try {
    await enqueueExperiment(address, experiment, preset, { ...options, again: true });
    const pause = () => new Promise((r) => setTimeout(r, options.pollMs ?? 2000));
    const t0 = Date.now();
    let start: number | null = null;
    let last = '';
    let lastAt = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      let s: ExperimentStatus;
      try {
        s = await experimentStatus(queue, experiment, preset);
      } catch (err) {
        log(`reading the queue: ${(err as Error).message}; trying again`);
        await pause();
        continue;
      }
      start ??= s.counts.finished;
      const counts = statusLine(s);
      if (counts !== last || Date.now() - lastAt > 60_000 || s.settled) {
        const hours = (Date.now() - t0) / 3.6e6;
        status(statusLine(s, { rowsPerHour: hours > 0 ? (s.counts.finished - start) / hours : 0 }), s.settled);
        last = counts;
        lastAt = Date.now();
      }
      if (s.settled) return s;
      await enqueueLost(address, s, preset, options, log);
      await pause();
    }
  } finally {
    await queue.close();
  }
}

/** Enqueues again every group with a row whose job Redis no longer holds (a Redis restarted empty, say). */
async function enqueueLost(
  address: QueueAddress,
  s: ExperimentStatus,
  preset: Preset,
  options: FollowOptions,
  log: (line: string) => void,
): Promise<void> {
  const lost = new Set(s.rows.filter((r) => r.state === 'absent').map((r) => r.id));
  if (lost.size === 0) return;
  const again = await enqueueExperiment(address, s.experiment, preset, { ...options, again: false }, (g) =>
    g.rows.some((r) => lost.has(r)),
  );
  if (again.length > 0)
    log(
      `the queue holds no job for ${[...lost].join(', ')}; enqueued ${again.map((g) => g.backbone).join(', ')} again`,
    );
}
