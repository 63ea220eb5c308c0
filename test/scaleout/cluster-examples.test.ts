// The Slurm job array and the Kubernetes Indexed Job of scripts/cluster/: each task's command line, with the
// index its engine sets, is `spikesplit sweep --shard i/n` for every i of the array exactly once; and run for
// real (at the tiny preset, every row already finished), the shard it names runs exactly the rows i (mod n).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PRESETS, sweepConfigs } from 'spikesplit';
import { CLI } from './worker-process';

const CLUSTER = path.resolve(__dirname, '..', '..', '..', 'scripts', 'cluster');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-cluster-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// `npx spikesplit ...`: records its arguments (RECORD set) or runs this checkout's CLI with them.
const bin = path.join(tmp, 'bin');
fs.mkdirSync(bin);
fs.writeFileSync(
  path.join(bin, 'npx'),
  `#!/bin/sh\n[ "$1" = spikesplit ] || { echo "npx: expected spikesplit, got $1" >&2; exit 3; }\nshift\nif [ -n "$RECORD" ]; then printf '%s\\n' "$*" >> "$RECORD"; exit 0; fi\nexec "${process.execPath}" "${CLI}" "$@"\n`,
  { mode: 0o755 },
);

// The tiny sweep with every row finished (a shard then only lists the rows it would run).
const runs = path.join(tmp, 'runs');
const TINY = sweepConfigs(PRESETS.tiny).map((c) => c.id);
for (const id of TINY) {
  fs.mkdirSync(path.join(runs, 'tiny', 'sweep', id), { recursive: true });
  fs.writeFileSync(path.join(runs, 'tiny', 'sweep', id, 'row.json'), JSON.stringify({ id }));
}

function run(cmd: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin`, SPIKESPLIT_RUNS_DIR: runs, ...env },
  });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r;
}

/** Each task's recorded command line, for every index of an array of `count`. */
function commandLines(count: number, task: (i: number, record: string) => void): string[] {
  const record = path.join(tmp, `record-${Math.random()}`);
  for (let i = 0; i < count; i++) task(i, record);
  return fs.readFileSync(record, 'utf8').trim().split('\n');
}

function checkShards(lines: string[], count: number, preset: string): void {
  assert.deepEqual(
    lines,
    Array.from({ length: count }, (_, i) => `sweep --preset ${preset} --shard ${i}/${count}`),
  );
}

/** The rows the real CLI runs for shard `index` of `count` at the tiny preset (its log of skipped rows). */
function shardRows(stderr: string): string[] {
  return [...stderr.matchAll(/^sweep \d+\/\d+: (\S+) \(finished, skipped\)$/gm)].map((m) => m[1]);
}
const expected = (index: number, count: number) => TINY.filter((_, k) => k % count === index);

test('the Slurm array: task i of n runs --shard i/n, every i once; the shard runs rows i (mod n)', () => {
  const script = path.join(CLUSTER, 'sweep.sbatch');
  const m = /^#SBATCH --array=(\d+)-(\d+)$/m.exec(fs.readFileSync(script, 'utf8'));
  assert.ok(m, 'the script declares its array');
  assert.equal(Number(m[1]), 0, 'task ids start at 0, as --shard counts');
  const count = Number(m[2]) + 1;
  assert.equal(count, sweepConfigs(PRESETS.cpu).length, 'one task per row of the cpu sweep');
  const lines = commandLines(count, (i, record) =>
    run('bash', [script], { SLURM_ARRAY_TASK_ID: String(i), SLURM_ARRAY_TASK_COUNT: String(count), RECORD: record }),
  );
  checkShards(lines, count, 'cpu');
  const index = 1;
  const r = run('bash', [script], {
    SLURM_ARRAY_TASK_ID: String(index),
    SLURM_ARRAY_TASK_COUNT: String(count),
    SPIKESPLIT_PRESET: 'tiny',
  });
  assert.deepEqual(shardRows(r.stderr), expected(index, count));
});

test('the Kubernetes Indexed Job: pod i of completions runs --shard i/n with n = SHARDS = completions; the shard runs rows i (mod n)', () => {
  const text = fs.readFileSync(path.join(CLUSTER, 'sweep-job.yaml'), 'utf8');
  assert.match(text, /^\s+completionMode: Indexed$/m);
  const completions = Number(/^\s+completions: (\d+)$/m.exec(text)![1]);
  const envs = new Map([...text.matchAll(/^\s+- name: (\S+)\n\s+value: "([^"]*)"$/gm)].map((e) => [e[1], e[2]]));
  const env = (name: string) => envs.get(name) ?? assert.fail(`the manifest sets ${name}`);
  assert.equal(Number(env('SHARDS')), completions, 'SHARDS equals completions');
  assert.equal(Number(/^\s+parallelism: (\d+)$/m.exec(text)![1]), completions);
  const command = JSON.parse(/^\s+command: (\[.*\])$/m.exec(text)![1]) as string[];
  assert.deepEqual(command.slice(0, 2), ['sh', '-c']);
  const pod = (i: number, extra: Record<string, string>) =>
    run('sh', ['-c', command[2]], {
      JOB_COMPLETION_INDEX: String(i),
      SHARDS: env('SHARDS'),
      SPIKESPLIT_PRESET: env('SPIKESPLIT_PRESET'),
      ...extra,
    });
  checkShards(
    commandLines(completions, (i, record) => pod(i, { RECORD: record })),
    completions,
    'cpu',
  );
  const index = completions - 1;
  assert.deepEqual(shardRows(pod(index, { SPIKESPLIT_PRESET: 'tiny' }).stderr), expected(index, completions));
});
