// `spikesplit serve` and `spikesplit device` as a user runs them, on loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { CLI, runNode } from './run-node';

const run = (args: string[]) => runNode([CLI, ...args]);

test('serve answers device in split, early-exit and raw modes, refuses a wrong token (the message only, no stack), and reports what it served on SIGTERM', async () => {
  const serve = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--token', 'cli-token', '--for-s', '60', '--latency-ms', '1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  serve.stdout.on('data', (d) => (out += d));
  serve.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => serve.once('exit', resolve));
  try {
    const deadline = Date.now() + 30_000;
    // the banner ends with the reply link's line; stdout may arrive in pieces
    while (!/link \(replies\): .*\n/.test(out)) {
      assert.ok(Date.now() < deadline, `serve printed no banner: ${out}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const url = /ws:\/\/127\.0\.0\.1:\d+/.exec(out)![0];
    assert.match(out, /model: fresh weights from seed 0/);
    assert.match(out, /link \(replies\): application-level shaping: no rate limit, latency 1 ms/);

    for (const mode of ['split', 'exit', 'raw']) {
      const r = await run([
        'device',
        '--server',
        url,
        '--token',
        'cli-token',
        '--mode',
        mode,
        '--requests',
        '3',
        '--bandwidth-mbps',
        '50',
        '--json',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const summary = JSON.parse(r.stdout);
      assert.equal(summary.mode, mode);
      assert.equal(summary.latency.count, 3);
      assert.match(summary.weights, /^fresh weights from seed 0/);
      assert.match(summary.link, /token bucket 50 Mbit\/s/);
      assert.ok(summary.latency.p50Ms > 0);
    }
    const refused = await run(['device', '--server', url, '--token', 'wrong', '--requests', '1']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /mac does not match the server token/);
    assert.doesNotMatch(refused.stderr, /\n\s+at /);
  } finally {
    serve.kill('SIGTERM');
  }
  assert.equal(await exited, 0, out);
  assert.match(out, /served 9 requests; error replies: \{"unauthorized":1\}/);
});

test('device refuses a server URL off loopback, and edge-only needs no server', async () => {
  const off = await run(['device', '--server', 'ws://192.0.2.1:8765', '--token', 'x']);
  assert.equal(off.code, 2);
  assert.match(off.stderr, /neither wss:\/\/ nor ws:\/\/ on loopback/);
  const edge = await run(['device', '--mode', 'edge', '--requests', '2', '--slowdown', '2', '--json']);
  assert.equal(edge.code, 0, edge.stderr);
  const summary = JSON.parse(edge.stdout);
  assert.equal(summary.link, 'none (edge-only)');
  assert.equal(summary.slowdown, 2);
  assert.equal(summary.bytesPerRequest, 0);
});

test('testbed names a bad preset and the accepted ones, and describes itself', async () => {
  const bad = await run(['testbed', '--preset', 'huge']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--preset: expected one of tiny, cpu, paper, got 'huge'/);
  const help = await run(['testbed', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: spikesplit testbed/);
});
