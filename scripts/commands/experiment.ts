/**
 * The one skeleton of the experiment commands: the preset (`--preset`), then the compute backend, then the
 * run, then the result printed, as a table or (`--json`) as JSON. An experiment with `queue` also takes
 * `--queue`, which runs its rows as jobs of `spikesplit worker`s instead (queue.ts).
 */
import { initBackend, type Preset } from 'spikesplit';
import { experimentOptions, presetOption, type Command, type Options, type Values } from './command';
import { queueOptions, runQueued, type QueuedExperiment } from './queue';

export interface Experiment<R, A = undefined> {
  readonly name: string;
  readonly summary: string;
  /** Options beyond --preset and --json (and the queue's). */
  readonly options?: Options;
  readonly queue?: QueuedExperiment<R>;
  /** The run's arguments, read from the options before any work starts. */
  readonly args?: (values: Values, preset: Preset) => A;
  /** Runs the experiment; undefined when there is nothing to print (one shard of a sweep). */
  run(preset: Preset, args: A): Promise<R | undefined>;
  /** The result for a person to read (without --json). */
  print(result: R, args: A): void;
}

export function experimentCommand<R, A = undefined>(e: Experiment<R, A>): Command {
  return {
    name: e.name,
    summary: e.summary,
    options: { ...experimentOptions, ...e.options, ...(e.queue ? queueOptions : {}) },
    async run(values) {
      const preset = presetOption(values);
      const args = e.args ? e.args(values, preset) : (undefined as A);
      const show = (result: R) => (values.json ? console.log(JSON.stringify(result, null, 2)) : e.print(result, args));
      if (e.queue && (await runQueued(values, e.queue, preset, show))) return;
      await initBackend();
      const result = await e.run(preset, args);
      if (result !== undefined) show(result);
    },
  };
}
