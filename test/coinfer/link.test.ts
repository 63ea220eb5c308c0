import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeLink, LinkShaper, runAtDeviceSpeed, UNSHAPED_LINK } from 'spikesplit';

// 1 Mbit/s = 125 bytes per ms, so 1250 bytes take 10 ms to serialise.
test('token bucket with no burst: each message waits for its bytes at the rate, and queues behind the ones before', () => {
  const shaper = new LinkShaper({ bandwidthMbps: 1, latencyMs: 5 });
  const first = shaper.delayMs(1250);
  const second = shaper.delayMs(1250);
  // the bucket refills between the two calls, so the second waits a little less than 25 ms on a busy machine
  assert.ok(Math.abs(first - 15) < 1e-9, `first ${first} ms; expected 10 ms serialisation + 5 ms latency`);
  assert.ok(second <= 25 + 1e-9 && second > 22, `second ${second} ms; expected 20 ms (queued) + 5 ms latency`);
});

test('token bucket burst: a message within the bucket goes at once, the rest of the burst is then used up', async () => {
  const shaper = new LinkShaper({ bandwidthMbps: 1, burstBytes: 2500 });
  await new Promise((resolve) => setTimeout(resolve, 30)); // the bucket fills (2500 bytes take 20 ms)
  assert.ok(shaper.delayMs(2000) < 0.5);
  const next = shaper.delayMs(1000); // 500 tokens left: 500 bytes wait 4 ms (less the refill since the last call)
  assert.ok(next <= 4 + 1e-9 && next > 2, `${next} ms; expected 4`);
});

test('jitter stays in [0, jitterMs]; loss retransmits after the timeout, and is reproducible by seed', () => {
  const jittery = new LinkShaper({ bandwidthMbps: Infinity, latencyMs: 10, jitterMs: 4 });
  const delays = Array.from({ length: 200 }, () => jittery.delayMs(100));
  assert.ok(delays.every((d) => d >= 10 && d <= 14));
  assert.ok(Math.max(...delays) - Math.min(...delays) > 3, 'jitter spreads the delays');
  const lossy = (seed: number) =>
    new LinkShaper({ bandwidthMbps: Infinity, latencyMs: 1, loss: 0.5, retransmitTimeoutMs: 100, seed });
  const a = Array.from(
    { length: 400 },
    (
      (s) => () =>
        s.delayMs(10)
    )(lossy(1)),
  );
  const b = Array.from(
    { length: 400 },
    (
      (s) => () =>
        s.delayMs(10)
    )(lossy(1)),
  );
  assert.deepEqual(a, b);
  for (const d of a)
    assert.ok(
      Math.abs((d - 1) / 100 - Math.round((d - 1) / 100)) < 1e-9,
      `${d} ms is latency plus whole retransmissions`,
    );
  const meanRetransmissions = a.reduce((s, d) => s + (d - 1) / 100, 0) / a.length;
  assert.ok(
    Math.abs(meanRetransmissions - 1) < 0.25,
    `mean retransmissions ${meanRetransmissions}; loss 0.5 gives 1 on average`,
  );
});

test('unshaped delivery is immediate; shaped delivery waits; bad configs are refused naming the field', async () => {
  let delivered = false;
  new LinkShaper(UNSHAPED_LINK).send(1e6, () => (delivered = true));
  assert.equal(delivered, true);
  const shaper = new LinkShaper({ bandwidthMbps: 1 });
  const start = performance.now();
  await new Promise<void>((resolve) => shaper.send(2500, resolve)); // 20 ms
  assert.ok(performance.now() - start >= 19);
  assert.throws(() => new LinkShaper({ bandwidthMbps: 0 }), /bandwidthMbps is 0/);
  assert.throws(() => new LinkShaper({ bandwidthMbps: 1, loss: 1 }), /loss is 1; expected a probability in \[0, 1\)/);
  assert.throws(() => new LinkShaper({ bandwidthMbps: 1, latencyMs: -1 }), /latencyMs is -1/);
  assert.equal(describeLink(UNSHAPED_LINK), 'unshaped loopback');
  assert.equal(
    describeLink({ bandwidthMbps: 10, latencyMs: 5 }),
    'application-level shaping: token bucket 10 Mbit/s (burst 0 bytes), latency 5 ms, jitter 0 ms, loss 0',
  );
});

test('device slowdown: the measured compute time times the factor, the difference waited out', async () => {
  const busy = () => {
    const until = performance.now() + 20;
    while (performance.now() < until);
    return 'done';
  };
  const start = performance.now();
  const { result, computeMs } = await runAtDeviceSpeed(3, busy);
  const elapsed = performance.now() - start;
  assert.equal(result, 'done');
  assert.ok(computeMs >= 60, `computeMs ${computeMs}; expected 3 x (at least 20)`);
  assert.ok(elapsed >= computeMs - 1, `elapsed ${elapsed} ms covers the emulated ${computeMs} ms`);
  const start1 = performance.now();
  const asIs = await runAtDeviceSpeed(1, busy);
  assert.ok(performance.now() - start1 - asIs.computeMs < 5, 'slowdown 1 waits nothing');
  await assert.rejects(runAtDeviceSpeed(0.5, busy), /slowdown is 0.5; expected a finite factor >= 1/);
});
