/**
 * `--queue` for `sweep` and `neucodex`: enqueue the experiment's unfinished rows on Redis for `spikesplit worker`
 * processes on any machine, then follow the queue and write the same results file a local run writes;
 * `--detach` only enqueues, `--status` only reports.
 */
import {
  checkReachable,
  experimentStatus,
  initBackend,
  enqueueExperiment,
  followExperiment,
  openQueue,
  parseQueueUrl,
  statusLine,
  useStore,
  type ExperimentName,
  type ExperimentStatus,
  type Preset,
} from 'spikesplit';
import { flagOption, stringOption, UsageError, type Options, type Values } from './command';
import { printColumns } from './text-table';

export const queueOptions = {
  queue: stringOption(
    'redis://HOST:PORT[/DB]: run the rows as jobs of `spikesplit worker` processes, follow them, then write the results',
  ),
  store: stringOption('with --queue: the folder the workers share (default: runs/ or SPIKESPLIT_RUNS_DIR)'),
  detach: flagOption('with --queue: enqueue and exit'),
  status: flagOption('with --queue: print where the rows stand and exit'),
} satisfies Options;

/** An experiment whose rows can run as queue jobs. */
export interface QueuedExperiment<R> {
  readonly experiment: ExperimentName;
  /** The results as the store holds them, once the workers are done. */
  collect(preset: Preset): R;
  /** Options of a local run, which do not apply with --queue. */
  readonly localOnly?: readonly string[];
}

function printStatus(s: ExperimentStatus): void {
  const rows = [...s.backbones.map((b) => ({ ...b, kind: 'backbone' })), ...s.rows.map((r) => ({ ...r, kind: 'row' }))];
  printColumns(
    ['job', 'id', 'state', 'attempts', 'note'],
    rows.map((r) => [r.kind, r.id, r.state, String(r.attempts), r.note.replace(/\s+/g, ' ')]),
  );
  console.log(statusLine(s));
}

/** Runs the experiment through the queue when `--queue` is given (returns true), else returns false. */
export async function runQueued<R>(
  values: Values,
  queued: QueuedExperiment<R>,
  preset: Preset,
  printResults: (results: R) => void,
): Promise<boolean> {
  const { experiment, localOnly = [] } = queued;
  if (values.queue === undefined) {
    for (const flag of ['store', 'detach', 'status'])
      if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --queue`);
    return false;
  }
  if (localOnly.some((flag) => values[flag] !== undefined))
    throw new UsageError(
      `--queue: the workers run the rows; ${localOnly.map((f) => `--${f}`).join(' and ')} do not apply`,
    );
  if (values.detach && values.status) throw new UsageError('--detach and --status: give one of them');
  const address = parseQueueUrl(String(values.queue));
  useStore(values.store === undefined ? undefined : String(values.store));
  await checkReachable(address);
  await initBackend(); // the rows' shapes are computed with tensors
  if (values.status) {
    const queue = openQueue(address);
    try {
      printStatus(await experimentStatus(queue, experiment, preset));
    } finally {
      await queue.close();
    }
  } else if (values.detach) {
    const groups = await enqueueExperiment(address, experiment, preset, { again: true });
    console.log(
      groups.length === 0
        ? `${preset.name} ${experiment}: every row is finished in the store; nothing to enqueue`
        : `${preset.name} ${experiment}: enqueued ${groups.map((g) => `${g.backbone} and its ${g.rows.length} rows`).join(', ')} ` +
            `on ${address.url}; 'spikesplit ${experiment} --preset ${preset.name} --queue ${address.url} --status' shows where they stand`,
    );
  } else {
    const s = await followExperiment(address, experiment, preset);
    printResults(queued.collect(preset));
    if (s.counts.failed > 0) {
      printStatus(s);
      process.exitCode = 1;
    }
  }
  return true;
}
