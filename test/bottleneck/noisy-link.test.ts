import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, Rng, sendOverNoisyLink } from 'spikesplit';

const spikes13 = Uint8Array.from([1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0]); // 13 spikes: 3 padding bits
const frame13 = encodeFrame(spikes13, { splitPoint: 'RB1', T: 1, shape: [1, 13], coding: 'packed' });

function randomFrame(seed: number): { frame: Uint8Array; spikes: Uint8Array } {
  const rng = new Rng(seed);
  const spikes = Uint8Array.from({ length: 2 * 4 * 4 * 8 * 8 }, () => (rng.next() < 0.2 ? 1 : 0));
  return { frame: encodeFrame(spikes, { splitPoint: 'RB9', T: 2, shape: [4, 8, 8, 8], coding: 'packed' }), spikes };
}

test('at bit-error rate 0 both receivers get the frame as sent', () => {
  const { frame, spikes } = randomFrame(1);
  for (const policy of ['erase', 'ignore-crc'] as const) {
    const r = sendOverNoisyLink(frame, { bitErrorRate: 0, rng: new Rng(2), policy });
    assert.equal(r.flippedBits, 0, policy);
    assert.deepEqual(r.received, decodeFrame(frame), policy);
    assert.deepEqual(r.received!.spikes, spikes, policy);
  }
});

test("'erase': a frame with flipped bits fails its checks and is erased", () => {
  const { frame } = randomFrame(3);
  const r = sendOverNoisyLink(frame, { bitErrorRate: 1e-2, rng: new Rng(4), policy: 'erase' });
  assert.ok(r.flippedBits > 0);
  assert.equal(r.received, null);
  assert.equal(sendOverNoisyLink(frame13, { bitErrorRate: 1, rng: new Rng(5), policy: 'erase' }).received, null);
});

test("'ignore-crc': flips land on the spikes one for one, header intact; padding bits do not count", () => {
  const { frame, spikes } = randomFrame(6);
  const r = sendOverNoisyLink(frame, { bitErrorRate: 1e-2, rng: new Rng(7), policy: 'ignore-crc' });
  assert.ok(r.received !== null);
  assert.deepEqual(r.received.meta, decodeFrame(frame).meta);
  const differing = spikes.reduce((n, s, i) => n + (s !== r.received!.spikes[i] ? 1 : 0), 0);
  assert.ok(r.flippedBits > 0);
  assert.equal(differing, r.flippedBits);
  // Every bit flips at rate 1: all 13 spikes invert; the 3 padding bits flip too but are cleared and not counted.
  const all = sendOverNoisyLink(frame13, { bitErrorRate: 1, rng: new Rng(8), policy: 'ignore-crc' });
  assert.deepEqual(
    Array.from(all.received!.spikes),
    Array.from(spikes13, (s) => 1 - s),
  );
  assert.equal(all.flippedBits, 13);
});

test("'ignore-crc' needs packed frames; a bad policy names the accepted ones", () => {
  const entropy = encodeFrame(spikes13, { splitPoint: 'RB1', T: 1, shape: [1, 13], coding: 'entropy' });
  assert.throws(
    () => sendOverNoisyLink(entropy, { bitErrorRate: 0.1, rng: new Rng(1), policy: 'ignore-crc' }),
    /needs a 'packed' frame .* got coding 'entropy'/,
  );
  assert.throws(
    () => sendOverNoisyLink(frame13, { bitErrorRate: 0.1, rng: new Rng(1), policy: 'drop' as 'erase' }),
    /policy must be one of erase, ignore-crc, got 'drop'/,
  );
});
