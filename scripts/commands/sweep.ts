import { spawn } from 'child_process';
import { collectResults, pretrainBackbone, runSweep, selectionRows, sweepTableRows, type Results } from 'spikesplit';
import { numberOption, stringOption, UsageError, type Values } from './command';
import { experimentCommand } from './experiment';
import { printRecords } from './text-table';

/** `--shard i/n`: this process runs the configurations with index = i (mod n). */
function shardOption(values: Values): { index: number; count: number } | undefined {
  if (values.shard === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(String(values.shard));
  if (!m || Number(m[1]) >= Number(m[2]))
    throw new UsageError(`--shard: expected i/n with 0 <= i < n, got '${String(values.shard)}'`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

/** Runs `count` copies of this command, each on its own shard, and waits for all of them. */
async function runShards(preset: string, count: number): Promise<void> {
  const children = Array.from(
    { length: count },
    (_, index) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [process.argv[1], 'sweep', '--preset', preset, '--shard', `${index}/${count}`],
          { stdio: ['ignore', 'inherit', 'inherit'] },
        );
        child.on('error', reject);
        child.on('exit', (code, signal) =>
          code === 0
            ? resolve()
            : reject(new Error(`sweep shard ${index}/${count} failed (${signal ?? `exit code ${code}`})`)),
        );
      }),
  );
  await Promise.all(children);
}

/** The sweep table and the selection, as notebook 03 shows them: intervals are 95% (Wilson; paired bootstrap for drops). */
function printTable(results: Results): void {
  printRecords(sweepTableRows(results));
  if (results.missing.length > 0) console.log(`not run yet: ${results.missing.join(', ')}`);
  if (results.selection.length === 0) return;
  console.log('');
  console.log(
    `selection (the fewest bits within ${100 * results.selectionRule.threshold}%, ` +
      `else ${100 * results.selectionRule.relaxedThreshold}%); ` +
      'a drop is distinguishable from 0 when the exact McNemar p < 0.05:',
  );
  printRecords(selectionRows(results));
}

export const sweep = experimentCommand({
  name: 'sweep',
  summary:
    'Step 2: fine-tune and evaluate every split point x compression x T of the preset; reruns skip finished rows.',
  options: {
    jobs: stringOption("processes to run rows in (default: the preset's jobs)"),
    shard: stringOption(
      'i/n: run only every n-th row from the i-th (used by --jobs, Slurm job arrays, Kubernetes Indexed Jobs)',
    ),
  },
  queue: { experiment: 'sweep', collect: collectResults, localOnly: ['jobs', 'shard'] },
  args: (values, preset) => ({
    shard: shardOption(values),
    jobs: numberOption(values, 'jobs', preset.jobs, { min: 1, max: 16, integer: true }),
  }),
  async run(preset, { shard, jobs }) {
    if (shard) {
      await runSweep(preset, { shard });
      return undefined;
    }
    await pretrainBackbone(preset); // once, before any shard needs it
    if (jobs > 1) await runShards(preset.name, jobs);
    else await runSweep(preset);
    return collectResults(preset);
  },
  print: printTable,
});
