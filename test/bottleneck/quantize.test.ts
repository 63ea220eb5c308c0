import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { bitsToCodes, codesToBits, initBackend, packBits, UniformQuantizer } from 'spikesplit';

test('2-bit quantiser on [0, 1]: codes, values and the straight-through gradient, by hand', async () => {
  await initBackend('cpu', () => {});
  const q = new UniformQuantizer(2); // levels 0..3, step 1/3
  const x = tf.tensor1d([-0.5, 0, 0.1, 0.2, 0.5, 0.9, 1, 1.5]);
  // clip to [0, 1], times 3: 0, 0, 0.3, 0.6, 1.5, 2.7, 3, 3; round half to even: 0, 0, 0, 1, 2, 3, 3, 3
  const codes = q.codes(x);
  assert.equal(codes.dtype, 'int32');
  assert.deepEqual(Array.from(codes.dataSync()), [0, 0, 0, 1, 2, 3, 3, 3]);
  const third = Math.fround(1 / 3);
  const expected = [0, 0, 0, 1, 2, 3, 3, 3].map((c) => Math.fround(c * third));
  assert.deepEqual(Array.from(q.values(codes).dataSync()), expected);
  assert.deepEqual(Array.from(q.fakeQuantize(x).dataSync()), expected);
  // d/dx sum(w * q(x)) = w inside [0, 1] (both ends included), 0 where the clip saturates.
  const w = tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8]);
  const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(q.fakeQuantize(v), w)))(x);
  assert.deepEqual(Array.from(grad.dataSync()), [0, 2, 3, 4, 5, 6, 7, 0]);
});

test('8-bit quantiser: 0.5 -> code 128 (127.5 rounds to even), a range of 4 scales the step', async () => {
  await initBackend('cpu', () => {});
  assert.deepEqual(
    Array.from(new UniformQuantizer(8).codes(tf.tensor1d([0.5, 1 / 255, 0.999])).dataSync()),
    [128, 1, 255],
  );
  const q4 = new UniformQuantizer(3, 4); // step 4/7
  assert.deepEqual(Array.from(q4.codes(tf.tensor1d([2, 3.9, 5])).dataSync()), [4, 7, 7]); // 3.5 -> 4, 6.825 -> 7, clip
  assert.throws(() => new UniformQuantizer(0), /bitWidth must be an integer in \[1, 16\], got 0/);
  assert.throws(() => new UniformQuantizer(8, -1), /range must be a positive number, got -1/);
});

test('codes at b bits pack MSB first with no gaps: [5, 3, 0, 7] at 3 bits are 101 011 000 111 = 0xAC 0x70', () => {
  const bits = codesToBits([5, 3, 0, 7], 3);
  assert.deepEqual(Array.from(bits), [1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1]);
  assert.deepEqual(Array.from(packBits(bits)), [0xac, 0x70]);
  assert.deepEqual(Array.from(bitsToCodes(bits, 3)), [5, 3, 0, 7]);
  assert.throws(() => codesToBits([8], 3), /code at index 0 is 8; expected an integer in \[0, 7\] for 3-bit codes/);
  assert.throws(() => bitsToCodes(new Uint8Array(4), 3), /4 bits are not a whole number of 3-bit codes/);
});
