// The server against a hostile client: decompression bombs, work before authentication, slow clients, floods.
// Every case ends in a typed refusal, the server keeps serving, and its memory stays bounded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { WebSocket } from 'ws';
import {
  buildTestbedModel,
  CoinferError,
  createDevice,
  createServer,
  decodeReply,
  encodeFrame,
  encodeRequest,
  FairScheduler,
  HELLO_MAX_BYTES,
  helloMessage,
  initBackend,
  readChallenge,
  startServeProcess,
  summarizeLatencies,
  type ProtocolReply,
} from 'spikesplit';
import { authenticatedSocket, jointLogits, smallSplitModel, TOKEN, type SmallSplitModel } from './fixture';

let fx: SmallSplitModel;

before(async () => {
  await initBackend('wasm', () => {});
  fx = smallSplitModel();
});

after(() => fx.dispose());

/** Peak resident memory of a process so far (VmHWM), MiB. */
function peakRssMiB(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

function nextReply(ws: WebSocket): Promise<ProtocolReply> {
  return new Promise((resolve, reject) => {
    ws.once('message', (data) => resolve(decodeReply(String(data))));
    ws.once('close', (code) => reject(new Error(`closed (${code}) before a reply`)));
  });
}

function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

/** The bound stated in the README: a serve process at the default testbed model stays under this peak RSS above its warm state. */
const BOMB_RSS_CEILING_MIB = 150;

test('decompression bombs: a 13 KB entropy-coded frame declaring 8,192 images and a 6 MB raw tensor of 2,048 images are refused unread; peak memory stays bounded and another client is served throughout', async (t) => {
  const spec = { model: 'resnet18', width: 1 / 16, T: 2, classes: 10, splitPoint: 'RB2', channels: 2, seed: 0 };
  const built = buildTestbedModel(spec);
  const server = await startServeProcess([], { token: TOKEN });
  const x = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 5);
  try {
    const client = await createDevice({ url: server.url, token: TOKEN, head: built.head });
    const truth = (await client.infer(x)).logits;
    for (let i = 0; i < 4; i++) await client.infer(x); // warm: the server's steady state
    const warmMiB = peakRssMiB(server.pid);

    const { head } = built;
    const B = 8192;
    const zeros = new Uint8Array(B * head.T * head.sentShape.reduce((a, b) => a * b, 1)); // 2^25 spike values
    const bomb = encodeRequest(
      { id: 1, mode: 'split' },
      encodeFrame(zeros, {
        splitPoint: head.splitPoint,
        T: head.T,
        shape: [head.T * B, ...head.sentShape],
        coding: 'entropy',
      }),
    );
    assert.ok(bomb.length < 16_000, `the bomb is ${bomb.length} bytes`);
    const attacker = await authenticatedSocket(server.url);
    const latencies: number[] = [];
    const replies: ProtocolReply[] = [];
    for (let round = 0; round < 5; round++) {
      attacker.send(bomb);
      replies.push(await nextReply(attacker));
      const r = await client.infer(x);
      assert.deepEqual(r.logits, truth);
      latencies.push(r.timing.endToEndMs);
    }
    for (const r of replies) {
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.code, 'oversized');
        assert.match(r.error.message, /frame holds 8192 images; this server takes at most 64 per request \(maxBatch\)/);
      }
    }
    // raw offload of 2,048 images: 6 MB, over what an authenticated connection reads at maxBatch 64
    const raw = await authenticatedSocket(server.url);
    const rawClosed = closeCode(raw);
    raw.send(encodeRequest({ id: 2, mode: 'raw', shape: [2048, 32, 32, 3] }, new Uint8Array(2048 * 32 * 32 * 3)));
    assert.equal(await rawClosed, 1009);
    // and 64 raw images, the most admitted, are computed
    const most = await createDevice({ url: server.url, token: TOKEN });
    const answered = await most.inferRaw(new Uint8Array(64 * 32 * 32 * 3), [64, 32, 32, 3]);
    assert.equal(answered.predictions.length, 64);
    await most.close();
    const peakMiB = peakRssMiB(server.pid);
    const other = summarizeLatencies(latencies);
    t.diagnostic(
      `bomb ${bomb.length} bytes; server peak RSS ${warmMiB.toFixed(0)} MiB warm, ${peakMiB.toFixed(0)} MiB after bombs and a 64-image request; other client p50 ${other.p50Ms.toFixed(1)} ms, p99 ${other.p99Ms.toFixed(1)} ms`,
    );
    assert.ok(
      peakMiB - warmMiB < BOMB_RSS_CEILING_MIB,
      `peak RSS rose ${(peakMiB - warmMiB).toFixed(0)} MiB; the stated ceiling is ${BOMB_RSS_CEILING_MIB}`,
    );
    attacker.close();
    await client.close();
  } finally {
    x.dispose();
    built.dispose();
    const out = await server.stop();
    assert.match(out, /error replies: \{"oversized":5\}/);
  }
});

test('the scheduler serves connections round robin: a connection with many requests waiting delays another by one', () => {
  const s = new FairScheduler<string, string>();
  for (const job of ['a1', 'a2', 'a3', 'a4']) s.push('a', job);
  s.push('b', 'b1');
  assert.equal(s.next(), 'a1');
  s.push('c', 'c1');
  s.push('b', 'b2');
  const order: string[] = [];
  for (let job = s.next(); job !== undefined; job = s.next()) order.push(job);
  assert.deepEqual(order, ['b1', 'a2', 'c1', 'b2', 'a3', 'a4']);
  assert.equal(s.size, 0);
});

test('before its hello a connection reads no message over HELLO_MAX_BYTES, and a wrong hello closes it', async () => {
  const server = await createServer({
    tail: fx.tail,
    port: 0,
    token: TOKEN,
    limits: { backoffBaseMs: 1, backoffMaxMs: 1 },
  });
  try {
    const ws = new WebSocket(server.url);
    await new Promise((resolve) => ws.once('message', resolve)); // the challenge
    const closed = closeCode(ws);
    ws.send(new Uint8Array(HELLO_MAX_BYTES + 1));
    assert.equal(await closed, 1009);

    const wrong = new WebSocket(server.url);
    const challenge = await new Promise<string>((resolve) => wrong.once('message', (d) => resolve(String(d))));
    const refused = nextReply(wrong);
    const wrongClosed = closeCode(wrong);
    wrong.send(helloMessage('not-the-token', readChallenge(challenge)));
    const reply = await refused;
    assert.equal(reply.ok ? 'ok' : reply.error.code, 'unauthorized');
    assert.equal(await wrongClosed, 1008);
    await assert.rejects(
      createDevice({ url: server.url, token: '', head: fx.head }),
      (err: CoinferError) => err.code === 'unauthorized',
    );
    const client = await createDevice({ url: server.url, token: TOKEN, head: fx.head });
    assert.deepEqual((await client.infer(fx.x)).logits, jointLogits(fx.model, fx.x));
    await client.close();
  } finally {
    await server.close();
  }
});

test('a connection that does not authenticate in time, a TCP trickler and an idle authenticated connection are closed', async () => {
  const server = await createServer({
    tail: fx.tail,
    port: 0,
    token: TOKEN,
    limits: { authTimeoutMs: 300, idleTimeoutMs: 300 },
  });
  try {
    const silent = new WebSocket(server.url);
    await new Promise((resolve) => silent.once('message', resolve));
    const silentClosed = closeCode(silent);
    // a trickler: one byte of an HTTP request every 50 ms, never finishing it
    const trickler = net.connect(server.port, '127.0.0.1');
    const tricklerClosed = new Promise<void>((resolve) => trickler.once('close', () => resolve()));
    trickler.on('error', () => {});
    const request = 'GET / HTTP/1.1\r\nHost: x\r\n';
    let sent = 0;
    const drip = setInterval(() => sent < request.length && trickler.write(request[sent++]), 50);
    // authenticated, then the first byte of a frame and nothing more
    const idle = await authenticatedSocket(server.url);
    const idleClosed = closeCode(idle);
    (idle as unknown as { _socket: net.Socket })._socket.write(Buffer.from([0x82]));
    assert.equal(await silentClosed, 1006); // the socket was cut: no close frame
    await tricklerClosed;
    clearInterval(drip);
    assert.equal(await idleClosed, 1001);
    assert.equal(server.stats().timedOut, 3);
    while (server.stats().connections > 0) await new Promise((resolve) => setTimeout(resolve, 5)); // the idle one is cut a second after its close frame
  } finally {
    await server.close();
  }
});

test('a connection flood past the caps is refused with 503 before anything is read; a failed hello backs its address off (429); others keep connecting', async () => {
  const server = await createServer({
    tail: fx.tail,
    port: 0,
    token: TOKEN,
    limits: { maxConnections: 6, maxConnectionsPerAddress: 3, backoffBaseMs: 600_000, backoffMaxMs: 600_000 },
  });
  const sockets: net.Socket[] = [];
  const open = (localAddress: string) =>
    new Promise<net.Socket>((resolve, reject) => {
      const s: net.Socket = net.connect({ port: server.port, host: '127.0.0.1', localAddress }, () => resolve(s));
      s.once('error', reject);
      sockets.push(s);
    });
  /** What the server answered a socket with before closing it, '' for nothing yet. */
  const answer = (s: net.Socket) =>
    new Promise<string>((resolve) => {
      let text = '';
      s.on('data', (d) => (text += d));
      s.once('close', () => resolve(text));
    });
  const refusal = async (localAddress: string) => answer(await open(localAddress));
  const waitAdmitted = async (n: number) => {
    while (server.stats().connections < n) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  try {
    for (let i = 0; i < 3; i++) await open('127.0.0.1');
    await waitAdmitted(3);
    assert.match(
      await refusal('127.0.0.1'),
      /^HTTP\/1.1 503[^]*127\.0\.0\.1 has 3 connections; the cap per address is 3/,
    );
    for (let i = 0; i < 3; i++) await open('127.0.0.2');
    await waitAdmitted(6);
    assert.match(await refusal('127.0.0.3'), /^HTTP\/1.1 503[^]*server has 6 connections; the cap is 6/);
    await assert.rejects(
      createDevice({ url: server.url, token: TOKEN, head: fx.head }),
      (err: CoinferError) => err.code === 'busy' && /the cap/.test(err.message),
    );
    for (const s of sockets) s.destroy();
    while (server.stats().connections > 0) await new Promise((resolve) => setTimeout(resolve, 5));

    // a wrong hello from 127.0.0.4: that address is refused, even with the right token, until its backoff ends
    await assert.rejects(
      authenticatedSocket(server.url, 'wrong', { localAddress: '127.0.0.4' }),
      /closed \(1008\)|not welcomed/,
    );
    await assert.rejects(authenticatedSocket(server.url, TOKEN, { localAddress: '127.0.0.4' }), /429/);
    const elsewhere = await authenticatedSocket(server.url, TOKEN, { localAddress: '127.0.0.5' });
    elsewhere.close();
    const client = await createDevice({ url: server.url, token: TOKEN, head: fx.head });
    assert.deepEqual((await client.infer(fx.x)).logits, jointLogits(fx.model, fx.x));
    await client.close();
    assert.equal(server.stats().refused, 4);
  } finally {
    for (const s of sockets) s.destroy();
    await server.close();
  }
});

test('serve reads its token from --token-file, and the token is not on its command line', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-token-'));
  const file = path.join(dir, 'token');
  fs.writeFileSync(file, 'file-token-123\n', { mode: 0o600 });
  const env = process.env.SPIKESPLIT_TOKEN;
  delete process.env.SPIKESPLIT_TOKEN;
  const server = await startServeProcess(['--token-file', file]);
  try {
    assert.doesNotMatch(fs.readFileSync(`/proc/${server.pid}/cmdline`, 'utf8'), /file-token-123/);
    const client = await createDevice({ url: server.url, token: 'file-token-123' });
    await client.inferRaw(new Uint8Array(32 * 32 * 3), [1, 32, 32, 3]);
    await client.close();
    await assert.rejects(
      createDevice({ url: server.url, token: 'file-token-12' }),
      (err: CoinferError) => err.code === 'unauthorized',
    );
  } finally {
    if (env !== undefined) process.env.SPIKESPLIT_TOKEN = env;
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
