import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packBits, packedByteLength, Rng, unpackBits } from 'spikesplit';

function randomSpikes(rng: Rng, count: number, rate: number): Uint8Array {
  return Uint8Array.from({ length: count }, () => (rng.next() < rate ? 1 : 0));
}

test('packBits writes spikes MSB-first in row-major order (bytes written by hand)', () => {
  // shape [2, 5]: row 0 = 1 0 0 0 0, row 1 = 0 0 1 1 1
  const spikes = Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  assert.deepEqual(packBits(spikes, [2, 5]), Uint8Array.from([0b10000001, 0b11000000]));
  // 33 spikes: the fast path fills 32 (bytes 0..3), the last spike is the MSB of byte 4.
  const long = new Uint8Array(33);
  for (const i of [0, 9, 18, 27, 31, 32]) long[i] = 1;
  assert.deepEqual(packBits(long), Uint8Array.from([0x80, 0x40, 0x20, 0x11, 0x80]));
});

test('unpackBits reads every byte value back to its eight bits', () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, b) => b);
  const spikes = unpackBits(bytes, 256 * 8);
  for (let b = 0; b < 256; b++) {
    const expected = Array.from({ length: 8 }, (_, k) => (b >> (7 - k)) & 1);
    assert.deepEqual(Array.from(spikes.subarray(8 * b, 8 * b + 8)), expected, `byte 0x${b.toString(16)}`);
  }
  assert.deepEqual(packBits(spikes), bytes);
});

test('pack/unpack round trip on random tensors, rates and sizes', () => {
  const rng = new Rng(7);
  for (let trial = 0; trial < 300; trial++) {
    const count = trial < 70 ? trial : rng.int(5000);
    const rate = [0, 0.02, 0.1, 0.5, 0.97, 1][trial % 6];
    const spikes = randomSpikes(rng, count, rate);
    const packed = packBits(spikes);
    assert.equal(packed.length, Math.ceil(count / 8));
    assert.deepEqual(unpackBits(packed, count), spikes, `count ${count} rate ${rate}`);
  }
});

test('edge cases: empty, all zeros, all ones, not a multiple of 8', () => {
  assert.deepEqual(packBits(new Uint8Array(0), [0, 4, 4, 2]), new Uint8Array(0));
  assert.deepEqual(unpackBits(new Uint8Array(0), 0), new Uint8Array(0));
  assert.deepEqual(packBits(new Uint8Array(13)), new Uint8Array(2));
  assert.deepEqual(packBits(new Uint8Array(13).fill(1)), Uint8Array.from([0xff, 0xf8]));
  assert.deepEqual(unpackBits(Uint8Array.from([0xff, 0xf8]), 13), new Uint8Array(13).fill(1));
  assert.equal(packedByteLength(13), 2);
});

test('Float32Array input and unaligned Uint8Array views pack like the bytes they hold', () => {
  const rng = new Rng(3);
  const spikes = randomSpikes(rng, 1001, 0.3);
  const expected = packBits(spikes);
  assert.deepEqual(packBits(Float32Array.from(spikes)), expected);
  const shifted = new Uint8Array(spikes.length + 3);
  shifted.set(spikes, 3);
  assert.deepEqual(packBits(shifted.subarray(3)), expected);
  assert.deepEqual(packBits(Float32Array.from([-0, 1])), Uint8Array.from([0x40]));
});

test('non-binary values are rejected with their index and value', () => {
  const spikes = new Uint8Array(100);
  spikes[70] = 2;
  spikes[90] = 255;
  assert.throws(() => packBits(spikes), { name: 'RangeError', message: /flat index 70 is 2; expected 0 or 1/ });
  assert.throws(() => packBits(spikes.subarray(1)), /flat index 69 is 2/); // unaligned path
  assert.throws(() => packBits(Uint8Array.from([0, 1, 0, 3])), /flat index 3 is 3/); // tail path
  assert.throws(() => packBits(Float32Array.from([1, 0, 0.5])), /flat index 2 is 0.5; expected 0 or 1/);
  assert.throws(() => packBits(Float32Array.from([NaN])), /flat index 0 is NaN/);
});

test('shape and length mismatches are rejected', () => {
  assert.throws(
    () => packBits(new Uint8Array(10), [2, 4]),
    /shape \[2, 4\] holds 8 elements but the spike array has 10/,
  );
  assert.throws(() => packBits(new Uint8Array(0), [2, -1]), /dimension 1 = -1; expected a non-negative integer/);
  assert.throws(() => unpackBits(new Uint8Array(2), 17), /17 spikes need 3 packed bytes, got 2/);
  assert.throws(() => unpackBits(Uint8Array.from([0x00, 0x01]), 9), /padding bits after spike 9 are not zero/);
  assert.throws(() => unpackBits(new Uint8Array(1), 2.5), /spike count is 2.5/);
});
