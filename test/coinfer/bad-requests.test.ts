import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import * as tf from '@tensorflow/tfjs-core';
import {
  createServer,
  decodeReply,
  maxBodyBytes,
  deviceEncode,
  encodeFrame,
  encodeRequest,
  encodeSent,
  initBackend,
  type CoinferServer,
  type ProtocolReply,
} from 'spikesplit';
import { authenticatedSocket, jointLogits, smallSplitModel, SPLIT_POINT, TOKEN, type SmallSplitModel } from './fixture';

const MAX_BATCH = 2;
let fx: SmallSplitModel;
let server: CoinferServer;
let frame: Uint8Array;
let truth: number[][];

before(async () => {
  await initBackend('wasm', () => {});
  fx = smallSplitModel();
  frame = deviceEncode(fx.device, fx.x); // 1044 bytes: [4, 32, 32, 2] packed spikes + header
  truth = jointLogits(fx.model, fx.x);
  // replies are delayed 50 ms on their way back, so requests sent together are in flight together
  server = await createServer({
    tail: fx.tail,
    port: 0,
    token: TOKEN,
    limits: { maxBatch: MAX_BATCH, maxInFlightPerConnection: 1 },
    link: { bandwidthMbps: Infinity, latencyMs: 50 },
  });
});

after(async () => {
  await server.close();
  fx.dispose();
});

const connect = () => authenticatedSocket(server.url);

/** Sends each message and collects that many replies. */
function exchange(ws: WebSocket, messages: (Uint8Array | string)[]): Promise<ProtocolReply[]> {
  return new Promise((resolve, reject) => {
    const replies: ProtocolReply[] = [];
    const onMessage = (data: Buffer) => {
      replies.push(decodeReply(String(data)));
      if (replies.length === messages.length) {
        ws.off('message', onMessage);
        resolve(replies);
      }
    };
    ws.on('message', onMessage);
    ws.once('close', (code) => reject(new Error(`connection closed (${code}) after ${replies.length} replies`)));
    for (const m of messages) ws.send(m);
  });
}

const good = (id: number) => encodeRequest({ id, mode: 'split' }, frame);

function assertError(reply: ProtocolReply, id: number | null, code: string, field?: string): void {
  assert.equal(reply.ok, false, JSON.stringify(reply));
  if (reply.ok) return;
  assert.equal(reply.id, id);
  assert.equal(reply.error.code, code, reply.error.message);
  if (field !== undefined) assert.equal(reply.error.field, field, reply.error.message);
  assert.ok(reply.error.message.length > 10);
}

/** Sends `bad`, then a good request on the same connection: the bad one gets the error, the good one its answer. */
async function badThenGood(bad: Uint8Array | string, id: number | null, code: string, field?: string): Promise<void> {
  const ws = await connect();
  try {
    const [refused] = await exchange(ws, [bad]);
    assertError(refused, id, code, field);
    const [answered] = await exchange(ws, [good(100)]);
    assert.equal(answered.ok, true, JSON.stringify(answered));
    if (answered.ok) assert.deepEqual(answered.logits, truth);
  } finally {
    ws.close();
  }
}

function withByte(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = value;
  return copy;
}

test('malformed requests: a text message, bad magic, a header that is not JSON, a header without a mode', async () => {
  await badThenGood('hello', null, 'malformed');
  await badThenGood(withByte(good(1), 0, 0x58), null, 'malformed');
  const notJson = good(1).slice();
  notJson.set(new TextEncoder().encode('{{'), 7);
  await badThenGood(notJson, null, 'malformed');
  const noMode = encodeRequest({ id: 5, token: TOKEN } as never, frame);
  await badThenGood(noMode, 5, 'malformed');
});

test('a truncated frame is refused naming the length field', async () => {
  await badThenGood(encodeRequest({ id: 2, mode: 'split' }, frame.subarray(0, frame.length - 5)), 2, 'frame', 'length');
});

test('a frame of another version is refused naming the version field', async () => {
  await badThenGood(encodeRequest({ id: 3, mode: 'split' }, withByte(frame, 4, 2)), 3, 'frame', 'version');
});

test('a damaged payload is refused naming the crc field', async () => {
  await badThenGood(
    encodeRequest({ id: 4, mode: 'split' }, withByte(frame, frame.length - 1, frame[frame.length - 1] ^ 1)),
    4,
    'frame',
    'crc',
  );
});

test('a sound frame this server part does not take is a mismatch', async () => {
  const other = encodeFrame(new Uint8Array(2 * 8 * 8 * 2), {
    splitPoint: SPLIT_POINT,
    T: 2,
    shape: [2, 8, 8, 2],
    coding: 'packed',
  });
  await badThenGood(encodeRequest({ id: 6, mode: 'split' }, other), 6, 'mismatch');
});

test('a request header that still carries a token (protocol 2) is malformed', async () => {
  await badThenGood(encodeRequest({ id: 7, token: TOKEN, mode: 'split' } as never, frame), 7, 'malformed');
});

test('a frame of more images than maxBatch is refused as oversized from its header; a message too big to read closes only its connection', async () => {
  // three images at the model's shape: refused naming the limit, before its payload is read
  const three = encodeFrame(new Uint8Array(3 * 2 * 32 * 32 * 2), {
    splitPoint: SPLIT_POINT,
    T: 2,
    shape: [6, 32, 32, 2],
    coding: 'packed',
  });
  const ws = await connect();
  try {
    const [refused] = await exchange(ws, [encodeRequest({ id: 9, mode: 'split' }, three)]);
    assertError(refused, 9, 'oversized');
    assert.match(refused.ok ? '' : refused.error.message, /holds 3 images; this server takes at most 2/);
  } finally {
    ws.close();
  }
  const big = await connect();
  const closed = new Promise<number>((resolve) => big.once('close', resolve));
  big.send(
    encodeRequest({ id: 10, mode: 'split' }, new Uint8Array(maxBodyBytes(MAX_BATCH, fx.tail, undefined) + 1024)),
  );
  assert.equal(await closed, 1009);
  await badThenGood('still serving', null, 'malformed');
});

test('a mode the server has no model for is unsupported', async () => {
  await badThenGood(
    encodeRequest({ id: 11, mode: 'raw', shape: [1, 8, 8, 3] }, new Uint8Array(8 * 8 * 3)),
    11,
    'unsupported',
  );
});

test('requests over the in-flight cap are refused as busy, the one in flight is answered', async () => {
  const ws = await connect();
  try {
    const replies = await exchange(ws, [good(20), good(21), good(22)]);
    const byId = new Map(replies.map((r) => [r.id, r]));
    assert.equal(byId.get(20)?.ok, true);
    assertError(byId.get(21)!, 21, 'busy');
    assertError(byId.get(22)!, 22, 'busy');
  } finally {
    ws.close();
  }
});

test('early-exit messages out of order, with a bad exit rule, or holding every step are refused; a refused request can start again', async () => {
  const sent = fx.device.forward(fx.x); // [2*2, 32, 32, 2]: steps 0 and 1 of both images
  const step0 = tf.tidy(() => tf.slice(sent, 0, 2).dataSync());
  sent.dispose();
  const stepFrame = encodeSent(fx.head, step0, [2, ...fx.head.sentShape], 1, 'packed');
  const exit = { threshold: 1, confidence: 'max-softmax' as const };
  const stepRequest = (id: number, step: number, body = stepFrame) =>
    encodeRequest({ id, mode: 'steps', step, exit }, body);
  await badThenGood(stepRequest(30, 1), 30, 'malformed');
  await badThenGood(
    encodeRequest({ id: 31, mode: 'steps', step: 0, exit: { threshold: 2, confidence: 'max-softmax' } }, stepFrame),
    31,
    'malformed',
  );
  await badThenGood(encodeRequest({ id: 32, mode: 'steps', exit } as never, stepFrame), 32, 'malformed');
  await badThenGood(stepRequest(33, 0, frame), 33, 'mismatch');
  const ws = await connect();
  try {
    const [first] = await exchange(ws, [stepRequest(34, 0)]);
    assert.equal(first.ok, true, JSON.stringify(first));
    if (first.ok)
      assert.deepEqual(
        { done: first.exit?.done, steps: first.steps, stepsUsed: first.exit?.stepsUsed },
        { done: false, steps: 1, stepsUsed: [1, 1] },
      );
    const [again] = await exchange(ws, [stepRequest(34, 0)]);
    assertError(again, 34, 'malformed');
    const [restarted] = await exchange(ws, [stepRequest(34, 0)]);
    assert.equal(restarted.ok, true, JSON.stringify(restarted));
  } finally {
    ws.close();
  }
});
