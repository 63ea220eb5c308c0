import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import {
  challengeMessage,
  checkHello,
  CIFAR10_NORMALIZATION,
  CoinferError,
  createDevice,
  decodeRequest,
  createServer,
  deviceEncode,
  initBackend,
  inferEdgeOnly,
  MAX_HEADER_BYTES,
  newNonce,
  welcomeMessage,
  type CoinferServer,
  type DeviceClient,
} from 'spikesplit';
import { jointLogits, pixelImages, smallSplitModel, TOKEN, type SmallSplitModel } from './fixture';

let fx: SmallSplitModel;
let server: CoinferServer;
let client: DeviceClient;

before(async () => {
  await initBackend('wasm', () => {});
  fx = smallSplitModel();
  server = await createServer({
    tail: fx.tail,
    whole: fx.whole,
    normalization: CIFAR10_NORMALIZATION,
    port: 0,
    token: TOKEN,
  });
  client = await createDevice({ url: server.url, token: TOKEN, head: fx.head });
});

after(async () => {
  await client.close();
  await server.close();
  fx.dispose();
});

function argmaxRows(rows: number[][]): number[] {
  return rows.map((r) => r.indexOf(Math.max(...r)));
}

test('server on 127.0.0.1 with an OS-picked port', () => {
  assert.match(server.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(server.port > 0);
});

test("split mode over loopback gives the joint model's logits exactly, and sends one frame plus a small header", async () => {
  const truth = jointLogits(fx.model, fx.x);
  assert.ok(new Set(truth.flat()).size > 10, 'the model fires: its logits vary');
  const result = await client.infer(fx.x);
  assert.equal(result.mode, 'split');
  assert.deepEqual(result.logits, truth);
  assert.deepEqual(result.predictions, argmaxRows(truth));
  assert.equal(result.steps, 2);
  const frameBytes = deviceEncode(fx.device, fx.x).length;
  assert.ok(
    result.bytesSent > frameBytes && result.bytesSent <= frameBytes + 7 + MAX_HEADER_BYTES,
    `${result.bytesSent} bytes sent for a ${frameBytes}-byte frame`,
  );
  const t = result.timing;
  for (const [name, ms] of Object.entries(t)) assert.ok(Number.isFinite(ms) && ms >= 0, `${name} = ${ms}`);
  assert.ok(t.endToEndMs >= t.deviceComputeMs + t.encodeMs + t.serverComputeMs, JSON.stringify(t));
});

test("raw offload sends uint8 pixels, normalised on the server, and gives the joint model's logits exactly; so does edge-only", async () => {
  const images = pixelImages();
  try {
    const truth = jointLogits(fx.model, images.x);
    const raw = await client.inferRaw(images.pixels, images.shape);
    assert.deepEqual(raw.logits, truth);
    assert.ok(
      raw.bytesSent > 2 * 32 * 32 * 3 && raw.bytesSent < 2 * 32 * 32 * 3 + 7 + MAX_HEADER_BYTES,
      `${raw.bytesSent} bytes for 6144 pixels`,
    );
    assert.equal(raw.timing.deviceComputeMs, 0);
    const edge = await inferEdgeOnly(fx.whole, images.x);
    assert.deepEqual(edge.logits, truth);
    assert.deepEqual(edge.predictions, argmaxRows(truth));
    assert.equal(edge.bytesSent, 0);
  } finally {
    images.x.dispose();
  }
});

test('a raw input of another shape is a mismatch, and the connection keeps serving', async () => {
  await assert.rejects(
    client.inferRaw(new Uint8Array(8 * 8 * 3), [1, 8, 8, 3]),
    (err: CoinferError) => err.code === 'mismatch' && /this model takes \[B, 32, 32, 3\]/.test(err.message),
  );
  const images = pixelImages();
  try {
    const result = await client.inferRaw(images.pixels, images.shape);
    assert.deepEqual(result.logits, jointLogits(fx.model, images.x));
  } finally {
    images.x.dispose();
  }
});

test('requests sent together are all answered, each with its own reply', async () => {
  const images = pixelImages();
  try {
    const truth = jointLogits(fx.model, images.x);
    const results = await Promise.all([
      client.infer(images.x),
      client.inferRaw(images.pixels, images.shape),
      client.infer(images.x),
    ]);
    for (const r of results) assert.deepEqual(r.logits, truth);
    assert.deepEqual(
      results.map((r) => r.mode),
      ['split', 'raw', 'split'],
    );
  } finally {
    images.x.dispose();
  }
});

test('the device sends exactly the frame deviceEncode makes, packed or entropy-coded, after a hello that proves its token, under a header with its id and mode', async () => {
  // a stand-in server that keeps what it receives and answers with a fixed reply
  const received: Uint8Array[] = [];
  const stub = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => stub.once('listening', resolve));
  stub.on('connection', (ws) => {
    const nonce = newNonce();
    let hello = true;
    ws.send(challengeMessage(nonce));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (hello) {
        checkHello(data, isBinary, 'stub-token', nonce); // throws, failing the test, if the device's mac is wrong
        hello = false;
        return ws.send(welcomeMessage({ maxBatch: 2, maxBodyBytes: 1 << 20, maxInFlight: 1 }));
      }
      received.push(new Uint8Array(data));
      const { header } = decodeRequest(new Uint8Array(data));
      ws.send(
        JSON.stringify({
          id: header.id,
          ok: true,
          predictions: [0, 0],
          logits: [[0], [0]],
          steps: 2,
          server: { queueMs: 0, decodeMs: 0, computeMs: 0 },
        }),
      );
    });
  });
  const url = `ws://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  try {
    for (const coding of ['packed', 'entropy'] as const) {
      const device = await createDevice({ url, token: 'stub-token', head: fx.head, coding });
      await device.infer(fx.x);
      await device.close();
      const { header, body } = decodeRequest(received[received.length - 1]);
      assert.deepEqual(header, { id: 0, mode: 'split' });
      assert.deepEqual(body, deviceEncode(fx.device, fx.x, { coding }), coding);
    }
  } finally {
    await new Promise((resolve) => stub.close(resolve));
  }
});
