import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropFrames, flipBits, Rng } from 'spikesplit';

function hammingBits(a: Uint8Array, b: Uint8Array): number {
  let bits = 0;
  for (let i = 0; i < a.length; i++) for (let x = a[i] ^ b[i]; x; x &= x - 1) bits++;
  return bits;
}

test('flipBits at rate 0 copies, at rate 1 inverts every bit, and never touches its input', () => {
  const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
  const kept = flipBits(bytes, 0, new Rng(1));
  assert.deepEqual(kept, { bytes, flippedBits: 0 });
  assert.notEqual(kept.bytes, bytes);
  const all = flipBits(bytes, 1, new Rng(1));
  assert.deepEqual(
    all.bytes,
    bytes.map((b) => b ^ 0xff),
  );
  assert.equal(all.flippedBits, 800);
  assert.deepEqual(
    bytes,
    Uint8Array.from({ length: 100 }, (_, i) => i),
  );
});

test('flipBits flips each bit with the given probability, reproducibly by seed', () => {
  const bytes = new Uint8Array(250_000); // 2,000,000 bits
  for (const rate of [1e-4, 1e-2, 0.3]) {
    const { bytes: damaged, flippedBits } = flipBits(bytes, rate, new Rng(42));
    assert.equal(hammingBits(bytes, damaged), flippedBits);
    const n = bytes.length * 8;
    const sigma = Math.sqrt(n * rate * (1 - rate));
    assert.ok(Math.abs(flippedBits - n * rate) < 5 * sigma, `rate ${rate}: ${flippedBits} flips, expected ${n * rate}`);
    assert.deepEqual(flipBits(bytes, rate, new Rng(42)).bytes, damaged);
  }
  // Flips spread evenly over bit positions within a byte.
  const { bytes: damaged } = flipBits(bytes, 0.05, new Rng(3));
  const perBit = Array.from({ length: 8 }, (_, k) => damaged.reduce((s, b) => s + ((b >> k) & 1), 0));
  for (const count of perBit) assert.ok(Math.abs(count - 12_500) < 5 * Math.sqrt(12_500), `per-bit flips ${perBit}`);
});

test('dropFrames loses frames with the given probability and keeps the others in place', () => {
  const frames = Array.from({ length: 20_000 }, (_, i) => i);
  const received = dropFrames(frames, 0.25, new Rng(8));
  assert.equal(received.length, frames.length);
  received.forEach((f, i) => assert.ok(f === null || f === i));
  const lost = received.filter((f) => f === null).length;
  assert.ok(Math.abs(lost - 5000) < 5 * Math.sqrt(20_000 * 0.25 * 0.75), `lost ${lost}`);
  assert.deepEqual(dropFrames(frames, 0, new Rng(1)), frames);
  assert.ok(dropFrames(frames, 1, new Rng(1)).every((f) => f === null));
});

test('channel rates outside [0, 1] are rejected', () => {
  assert.throws(
    () => flipBits(new Uint8Array(1), -0.1, new Rng(1)),
    /bitErrorRate is -0.1; expected a probability in \[0, 1\]/,
  );
  assert.throws(() => dropFrames([1], NaN, new Rng(1)), /lossProbability is NaN/);
});
