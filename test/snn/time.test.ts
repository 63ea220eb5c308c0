import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { deinterleaveSample, foldTime, initBackend, interleaveSample, timeMajorRow } from 'spikesplit';

before(async () => {
  await initBackend('cpu', () => {});
});

// T = 3 steps, B = 2 samples, 2 values per step. Sample b's step t holds [10b + t, 100 + 10b + t].
const T = 3;
const B = 2;
const samples = [0, 1].map((b) =>
  Float32Array.from({ length: T * 2 }, (_, k) => (k % 2) * 100 + 10 * b + Math.floor(k / 2)),
);

test('timeMajorRow is t*B + b', () => {
  assert.equal(timeMajorRow(0, 0, B), 0);
  assert.equal(timeMajorRow(0, 1, B), 1);
  assert.equal(timeMajorRow(2, 1, B), 5);
});

test('interleaveSample lays samples out as foldTime of [T, B, ...] does', () => {
  const batch = new Float32Array(T * B * 2);
  samples.forEach((s, b) => interleaveSample(batch, s, b, B, T));
  // By hand: rows t*B + b, so step 0 of both samples, then step 1, then step 2.
  assert.deepEqual(Array.from(batch), [0, 100, 10, 110, 1, 101, 11, 111, 2, 102, 12, 112]);
  const folded = tf.tidy(() =>
    foldTime(
      tf.stack(
        samples.map((s) => tf.tensor(s, [T, 2])),
        1,
      ),
    ).dataSync(),
  );
  assert.deepEqual(Array.from(batch), Array.from(folded));
});

test('deinterleaveSample takes back what interleaveSample put, converting to the output type', () => {
  const batch = new Float32Array(T * B * 2);
  samples.forEach((s, b) => interleaveSample(batch, s, b, B, T));
  samples.forEach((s, b) =>
    assert.deepEqual(Array.from(deinterleaveSample(batch, new Uint8Array(T * 2), b, B, T)), Array.from(s)),
  );
});

test('a sample that does not fit the batch is refused', () => {
  assert.throws(
    () => interleaveSample(new Float32Array(12), new Float32Array(6), 2, B, T),
    /sample b in \[0, B\).*got b = 2/,
  );
  assert.throws(() => interleaveSample(new Float32Array(10), new Float32Array(6), 0, B, T), /a batch of 10/);
  assert.throws(() => deinterleaveSample(new Float32Array(12), new Float32Array(5), 0, B, T), /a sample of 5 values/);
});
