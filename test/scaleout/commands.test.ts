// `spikesplit worker` and `sweep --queue` as commands: a bad --queue URL, an unreachable Redis and a store that
// cannot be written each end with one line naming the problem; --detach enqueues (twice is harmless) and
// --status reports, with no worker running.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { openQueue, parseQueueUrl, sweepConfigs, PRESETS } from 'spikesplit';
import { startRedis } from './redis-server';
import { CLI } from './worker-process';

const redis = startRedis();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-queue-cli-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

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
    [['worker', '--queue', 'http://127.0.0.1:6379'], /^--queue 'http:\/\/127\.0\.0\.1:6379': unsupported scheme 'http:'; expected redis:\/\/HOST:PORT\[\/DB\]$/],
    [['worker', '--queue', 'redis://127.0.0.1:99999'], /^--queue 'redis:\/\/127\.0\.0\.1:99999' is not a URL; expected redis:\/\/HOST:PORT\[\/DB\]$/],
    [['sweep', '--preset', 'tiny', '--queue', 'redis://127.0.0.1:6379/x', '--status'], /^--queue 'redis:\/\/127\.0\.0\.1:6379\/x': the database 'x' is not a number; expected redis:\/\/HOST:PORT\[\/DB\]$/],
    [['worker', '--queue', `redis://127.0.0.1:${port}`, '--store', path.join(tmp, 'store')], new RegExp(`^cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0: ECONNREFUSED$`)],
    [['sweep', '--preset', 'tiny', '--queue', `redis://127.0.0.1:${port}`, '--store', path.join(tmp, 'store'), '--detach'], new RegExp(`^cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0: ECONNREFUSED$`)],
    [['worker', '--queue', redis.server.url, '--store', path.join(file, 'store')], new RegExp(`^--store ${path.join(file, 'store')} cannot be written \\(ENOTDIR\\); expected a writable folder that every worker reaches$`)],
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
    [['sweep', '--preset', 'tiny', '--queue', 'redis://127.0.0.1:1', '--shard', '0/2'], /^--queue: the workers run the rows; --jobs and --shard do not apply$/],
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
    assert.deepEqual(counts, { waiting: 1, 'waiting-children': 1, active: 0, completed: 0, failed: 0, delayed: 0 }, 'one backbone job, one rows job: the second enqueue added nothing');
  } finally {
    await queue.close();
  }
  const s = cli('sweep', '--preset', 'tiny', '--queue', url, '--store', store, '--status');
  assert.equal(s.status, 0, s.stderr);
  const lines = s.stdout.trimEnd().split('\n');
  assert.match(lines[1], /^backbone\s+backbone\s+waiting\s+0$/);
  assert.deepEqual(lines.slice(2, -1).map((l) => l.split(/\s+/).slice(0, 3)), sweepConfigs(PRESETS.tiny).map((c) => ['row', c.id, 'waiting']));
  assert.equal(lines.at(-1), 'tiny sweep: 0/4 rows finished, 0 running, 4 waiting, 0 failed; backbone backbone waiting');
});
