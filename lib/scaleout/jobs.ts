/**
 * The jobs of an experiment on the queue. Per group of rows sharing a backbone, one BullMQ flow: the parent
 * `rows` job and its child, the `backbone` job. BullMQ runs the parent only once its child has completed (and
 * fails it when the child fails for good); the parent's work is to enqueue the group's rows that the store has
 * not finished. (A BullMQ job has at most one parent, so the rows cannot each be a parent of the one backbone.)
 * Job ids are fixed by preset, experiment and row, so enqueuing twice is harmless: BullMQ ignores a job whose
 * id it holds. A job carries its whole preset, so that a worker runs exactly what was enqueued.
 */
import { FlowProducer, Queue, type JobsOptions } from 'bullmq';
import type { Preset } from '../experiments/preset';
import { connectionOptions, type QueueAddress } from './connection';
import { QUEUED_EXPERIMENTS, type ExperimentName, type RowGroup } from './experiments';

/** The one queue every spikesplit worker takes jobs from. */
export const QUEUE_NAME = 'spikesplit';

export type JobKind = 'backbone' | 'rows' | 'row';

export interface JobData {
  kind: JobKind;
  experiment: ExperimentName;
  preset: Preset;
  /** The backbone's name for `backbone` and `rows`, the row's id for `row`. */
  id: string;
  /** Wait before a failed attempt is retried (ms); the rows a `rows` job adds get the same. */
  retryDelayMs: number;
}

/** Why a worker stops a running job (the abort reason its thread sees). */
export const STOP_REASONS = { sigterm: 'the worker is stopping', lockLost: 'the job lost its lock' } as const;

/** A row fails for good after this many attempts; BullMQ keeps its last error. */
export const ATTEMPTS = 3;

export interface EnqueueOptions {
  /** Wait before a failed attempt is retried (ms); 10 s by default. */
  retryDelayMs?: number;
  /**
   * Remove the jobs of unfinished rows that have ended on the queue (failed, or completed into another store)
   * first, so that they run again: what a new `sweep --queue` does; a follower enqueuing again does not.
   */
  again?: boolean;
}

const RETRY_DELAY_MS = 10_000;

export const backboneJobId = (preset: string, experiment: ExperimentName, backbone: string) =>
  `${preset}/${experiment}/${backbone}`;
export const rowsJobId = (preset: string, experiment: ExperimentName, backbone: string) =>
  `${backboneJobId(preset, experiment, backbone)}/rows`;
export const rowJobId = (preset: string, experiment: ExperimentName, row: string) => `${preset}/${experiment}/${row}`;

function jobOptions(jobId: string, retryDelayMs: number): JobsOptions {
  return {
    jobId,
    attempts: ATTEMPTS,
    backoff: { type: 'fixed', delay: retryDelayMs },
    removeOnComplete: false,
    removeOnFail: false,
  };
}

/** The row jobs of a `rows` job's group that the store has not finished (what that job adds). */
export function rowJobs(rows: JobData) {
  const x = QUEUED_EXPERIMENTS[rows.experiment];
  const group = x.groups(rows.preset).find((g) => g.backbone === rows.id);
  if (!group) throw new RangeError(`preset '${rows.preset.name}' has no ${rows.experiment} backbone '${rows.id}'`);
  return group.rows
    .filter((row) => !x.rowFinished(rows.preset, row))
    .map((row) => ({
      name: 'row',
      data: { ...rows, kind: 'row', id: row } satisfies JobData,
      opts: jobOptions(rowJobId(rows.preset.name, rows.experiment, row), rows.retryDelayMs),
    }));
}

/** Adds the flow of every group with a row the store has not finished; returns the groups added (BullMQ skips ids it holds). */
export async function enqueueExperiment(
  address: QueueAddress,
  experiment: ExperimentName,
  preset: Preset,
  options: EnqueueOptions = {},
  only?: (g: RowGroup) => boolean,
): Promise<RowGroup[]> {
  const x = QUEUED_EXPERIMENTS[experiment];
  const groups = x.groups(preset).filter((g) => g.rows.some((r) => !x.rowFinished(preset, r)) && (only?.(g) ?? true));
  if (groups.length === 0) return [];
  const flow = new FlowProducer({ connection: connectionOptions(address) });
  const queue = options.again ? openQueue(address) : null;
  try {
    for (const g of groups) {
      if (queue) {
        const ids = [
          rowsJobId(preset.name, experiment, g.backbone),
          backboneJobId(preset.name, experiment, g.backbone),
          ...g.rows.filter((r) => !x.rowFinished(preset, r)).map((r) => rowJobId(preset.name, experiment, r)),
        ];
        for (const id of ids) if (['completed', 'failed'].includes(await queue.getJobState(id))) await queue.remove(id);
      }
      const retryDelayMs = options.retryDelayMs ?? RETRY_DELAY_MS;
      const data = (kind: JobKind): JobData => ({ kind, experiment, preset, id: g.backbone, retryDelayMs });
      await flow.add({
        name: 'rows',
        queueName: QUEUE_NAME,
        data: data('rows'),
        opts: jobOptions(rowsJobId(preset.name, experiment, g.backbone), retryDelayMs),
        children: [
          {
            name: 'backbone',
            queueName: QUEUE_NAME,
            data: data('backbone'),
            opts: {
              ...jobOptions(backboneJobId(preset.name, experiment, g.backbone), retryDelayMs),
              failParentOnFailure: true,
            },
          },
        ],
      });
    }
  } finally {
    await flow.close();
    await queue?.close();
  }
  return groups;
}

/** The queue, for reading states and adding rows. */
export function openQueue(address: QueueAddress): Queue {
  return new Queue(QUEUE_NAME, { connection: connectionOptions(address) });
}
