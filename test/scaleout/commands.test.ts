// `spikesplit worker`, `sweep --queue` and `neucodex --queue` as commands: a bad --queue URL, an unreachable Redis
// and a store that cannot be written each end with one line naming the problem; --detach enqueues (twice is
// harmless) and --status reports, with no worker running; `neucodex --queue` drained by a worker writes a
// neucodex.json with the rows, accuracies and losses of a local run.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  backboneJobId,
  neucodexConfigs,
  openQueue,
  parseQueueUrl,
  rowJobId,
  sweepConfigs,
  PRESETS,
  type NeucodexResults,
} from 'spikesplit';
import { startRedis } from './redis-server';
import { CLI, WorkerProcess } from './worker-process';

const redis = startRedis();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-queue-cli-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

/** The command run without blocking this process (whose worker processes' stderr must keep draining). */
function cliAsync(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

test('a bad --queue URL, an unreachable Redis and an unwritable --store: exit 1 and one line naming the problem', async () => {
  const file = path.join(tmp, 'a-file');
  fs.writeFileSync(file, '');
  const port = await closedPort();
  const cases: [string[], RegExp][] = [
    [
      ['worker', '--queue', 'http://127.0.0.1:6379'],
      /^--queue 'http:\/\/127\.0\.0\.1:6379': unsupported scheme 'http:'; expected redis:\/\/HOST:PORT\[\/DB\]$/,
    ],
    [
      ['worker', '--queue', 'redis://127.0.0.1:99999'],
      /^--queue 'redis:\/\/127\.0\.0\.1:99999' is not a URL; expected redis:\/\/HOST:PORT\[\/DB\]$/,
    ],
    [
      ['sweep', '--preset', 'tiny', '--queue', 'redis://127.0.0.1:6379/x', '--status'],
      /^--queue 'redis:\/\/127\.0\.0\.1:6379\/x': the database 'x' is not a number; expected redis:\/\/HOST:PORT\[\/DB\]$/,
    ],
    [
      ['worker', '--queue', `redis://127.0.0.1:${port}`, '--store', path.join(tmp, 'store')],
      new RegExp(`^cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0: ECONNREFUSED$`),
    ],
    [
      [
        'sweep',
        '--preset',
        'tiny',
        '--queue',
        `redis://127.0.0.1:${port}`,
        '--store',
        path.join(tmp, 'store'),
        '--detach',
      ],
      new RegExp(`^cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0: ECONNREFUSED$`),
    ],
    [
      ['worker', '--queue', redis.server.url, '--store', path.join(file, 'store')],
      new RegExp(
        `^--store ${path.join(file, 'store')} cannot be written \\(ENOTDIR\\); expected a writable folder that every worker reaches$`,
      ),
    ],
  ];
  for (const [args, message] of cases) {
    const r = cli(...args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trimEnd(), message, args.join(' '));
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  }
});

test('queue options out of place: exit 2 naming the option', () => {
  const cases: [string[], RegExp][] = [
    [['sweep', '--preset', 'tiny', '--status'], /^--status goes with --queue$/],
    [
      ['sweep', '--preset', 'tiny', '--queue', 'redis://127.0.0.1:1', '--shard', '0/2'],
      /^--queue: the workers run the rows; --jobs and --shard do not apply$/,
    ],
    [['worker'], /^spikesplit worker: --queue redis:\/\/HOST:PORT\[\/DB\] is required$/],
  ];
  for (const [args, message] of cases) {
    const r = cli(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trimEnd(), message, args.join(' '));
  }
});

test('--detach enqueues the backbone and its rows (twice is harmless); --status lists them waiting', async () => {
  const url = `${redis.server.url}/1`;
  const store = path.join(tmp, 'detached');
  for (let i = 0; i < 2; i++) {
    const r = cli('sweep', '--preset', 'tiny', '--queue', url, '--store', store, '--detach');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^tiny sweep: enqueued backbone and its 4 rows on redis:\/\/127\.0\.0\.1:\d+\/1;/);
  }
  const queue = openQueue(parseQueueUrl(url));
  try {
    const counts = await queue.getJobCounts('waiting', 'waiting-children', 'active', 'completed', 'failed', 'delayed');
    assert.deepEqual(
      counts,
      { waiting: 1, 'waiting-children': 1, active: 0, completed: 0, failed: 0, delayed: 0 },
      'one backbone job, one rows job: the second enqueue added nothing',
    );
  } finally {
    await queue.close();
  }
  const s = cli('sweep', '--preset', 'tiny', '--queue', url, '--store', store, '--status');
  assert.equal(s.status, 0, s.stderr);
  const lines = s.stdout.trimEnd().split('\n');
  assert.match(lines[1], /^backbone\s+backbone\s+waiting\s+0$/);
  assert.deepEqual(
    lines.slice(2, -1).map((l) => l.split(/\s+/).slice(0, 3)),
    sweepConfigs(PRESETS.tiny).map((c) => ['row', c.id, 'waiting']),
  );
  assert.equal(
    lines.at(-1),
    'tiny sweep: 0/4 rows finished, 0 running, 4 waiting, 0 failed; backbone backbone waiting',
  );
});

/** What the queued rows must share with the local run's: ids, accuracies, bits and every epoch's losses. */
function comparable(r: NeucodexResults) {
  const history = (h: NeucodexResults['rows'][number]['history']) =>
    h.map((e) => [e.epoch, e.trainLoss, e.trainAccuracy, e.testLoss, e.testAccuracy]);
  return {
    backbones: r.backbones.map((b) => ({ group: b.group, accuracy: b.accuracy, history: history(b.history) })),
    rows: r.rows.map((x) => ({
      id: x.id,
      accuracy: x.accuracy,
      edgeOnlyAccuracy: x.edgeOnlyAccuracy,
      bits: x.bits,
      history: history(x.history),
    })),
  };
}

test(
  'neucodex --queue: a worker runs the backbones and rows of tiny; neucodex.json has the accuracies and losses of a local run',
  { timeout: 600_000 },
  async () => {
    const local = await cliAsync(['neucodex', '--preset', 'tiny', '--json'], {
      ...process.env,
      SPIKESPLIT_RUNS_DIR: path.join(tmp, 'neucodex-local'),
    });
    assert.equal(local.code, 0, local.stderr);
    const url = `${redis.server.url}/2`;
    const store = path.join(tmp, 'neucodex-queued');
    const worker = new WorkerProcess(url, store);
    const queued = await cliAsync(['neucodex', '--preset', 'tiny', '--queue', url, '--store', store, '--json']);
    assert.equal(queued.code, 0, queued.stderr);
    const results = JSON.parse(queued.stdout) as NeucodexResults;
    const configs = neucodexConfigs(PRESETS.tiny);
    assert.deepEqual(results.missing, []);
    assert.deepEqual(
      results.rows.map((r) => r.id),
      configs.map((c) => c.id),
    );
    assert.deepEqual(
      JSON.parse(fs.readFileSync(path.join(store, 'tiny', 'neucodex.json'), 'utf8')),
      results,
      'the store has the results printed',
    );
    assert.deepEqual(comparable(results), comparable(JSON.parse(local.stdout) as NeucodexResults));
    // every backbone and row ran as a job of the worker (its thread's lines reach its stderr after the store has the row)
    const jobs = [
      ...new Set(configs.map((c) => backboneJobId('tiny', 'neucodex', c.group))),
      ...configs.map((c) => rowJobId('tiny', 'neucodex', c.id)),
    ];
    for (const id of jobs) await worker.waitFor(`job ${id}: finished`);
    worker.proc.kill('SIGTERM');
    assert.deepEqual(await worker.exited, { code: 0, signal: null });
  },
);
