import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { directEncoder, frameEncoder, initBackend, poissonEncoder, Rng, unfoldTime } from 'spikesplit';

before(async () => {
  await initBackend('cpu', () => {});
});

test('direct encoding repeats the image at every step, time-major', () => {
  const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]); // B = 2
  const encoded = directEncoder().encode(x, 3);
  assert.deepEqual(encoded.shape, [6, 2, 2, 1]);
  const steps = unfoldTime(encoded, 3).arraySync() as number[][][][][];
  for (const step of steps) assert.deepEqual(step, x.arraySync());
});

test('Poisson encoding: binary, rate p, reproducible from the Rng seed', () => {
  const x = tf.concat([tf.fill([1, 32, 32, 1], 0.3), tf.zeros([1, 32, 32, 1]), tf.ones([1, 32, 32, 1])]); // B = 3
  const a = poissonEncoder(new Rng(5)).encode(x, 8);
  const b = poissonEncoder(new Rng(5)).encode(x, 8);
  const c = poissonEncoder(new Rng(6)).encode(x, 8);
  assert.deepEqual(a.shape, [24, 32, 32, 1]);
  assert.deepEqual(a.dataSync(), b.dataSync());
  assert.notDeepEqual(a.dataSync(), c.dataSync());
  assert.ok(Array.from(a.dataSync()).every((v) => v === 0 || v === 1));
  const perSample = tf.mean(unfoldTime(a, 8), [0, 2, 3, 4]).dataSync(); // [B]
  assert.ok(Math.abs(perSample[0] - 0.3) < 0.01, `rate ${perSample[0]} for p = 0.3 over 8192 draws`);
  assert.equal(perSample[1], 0);
  assert.equal(perSample[2], 1);
});

test('event frames pass through and must fill whole steps', () => {
  const frames = tf.ones([6, 4, 4, 2]);
  assert.deepEqual(frameEncoder().encode(frames, 3).shape, [6, 4, 4, 2]);
  assert.throws(() => frameEncoder().encode(frames, 4), /T = 4 dividing the rows/);
  assert.throws(() => directEncoder().encode(tf.ones([4, 4, 2]), 2), /rank-4 NHWC/);
});
