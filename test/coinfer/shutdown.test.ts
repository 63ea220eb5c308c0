import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CoinferError, createDevice, createServer, initBackend } from 'spikesplit';
import { jointLogits, smallSplitModel, TOKEN, type SmallSplitModel } from './fixture';

let fx: SmallSplitModel;

before(async () => {
  await initBackend('wasm', () => {});
  fx = smallSplitModel();
});

after(() => fx.dispose());

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

test('close() with a request in flight finishes it, refuses new ones, then closes the connection and the port', async () => {
  // replies take 1 s to cross the link, so the request is still in flight when close() is called, and the late
  // request (its head computed first, slowly on a loaded machine) reaches the server before that reply leaves
  const server = await createServer({
    tail: fx.tail,
    port: 0,
    token: TOKEN,
    link: { bandwidthMbps: Infinity, latencyMs: 1000 },
  });
  const client = await createDevice({ url: server.url, token: TOKEN, head: fx.head });
  const inFlight = client.infer(fx.x);
  await until(() => server.stats().inFlight === 1, 'the request to reach the server');
  const closed = server.close();
  const late = client.infer(fx.x);
  const result = await inFlight;
  assert.deepEqual(result.logits, jointLogits(fx.model, fx.x));
  await assert.rejects(late, (err: CoinferError) => err instanceof CoinferError && err.code === 'shutting-down');
  await closed;
  assert.deepEqual(
    { ...server.stats(), errors: undefined },
    { connections: 0, inFlight: 0, served: 1, errors: undefined, refused: 0, timedOut: 0 },
  );
  await assert.rejects(
    createDevice({ url: server.url, token: TOKEN, head: fx.head, timeoutMs: 2000 }),
    (err: CoinferError) => err.code === 'closed',
  );
  await client.close();
});
