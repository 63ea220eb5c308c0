import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  arctanSurrogate,
  foldTime,
  initBackend,
  LIF,
  lifMultiStep,
  lifParams,
  lifSpikes,
  lifStep,
  rectangularSurrogate,
  sigmoidSurrogate,
  unfoldTime,
} from 'spikesplit';

before(async () => {
  await initBackend('cpu', () => {});
});

const close = (actual: ArrayLike<number>, expected: number[], tol = 1e-6) => {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `index ${i}: ${actual[i]} vs ${expected[i]}`);
};

// decay 0.5, Vth 1, one neuron, inputs 0.6 0.6 0.6 1.2 0.3. By hand, h[t] = 0.5 u[t-1] + x[t]:
//   hard: h = 0.6, 0.9, 1.05 (fire, u = 0), 1.2 (fire, u = 0), 0.3 -> u = 0.6, 0.9, 0, 0, 0.3
//   soft: h = 0.6, 0.9, 1.05 (fire, u = 0.05), 1.225 (fire, u = 0.225), 0.4125 -> u = 0.6, 0.9, 0.05, 0.225, 0.4125
const inputs = [0.6, 0.6, 0.6, 1.2, 0.3];
const cases = [
  { reset: 'hard' as const, spikes: [0, 0, 1, 1, 0], u: [0.6, 0.9, 0, 0, 0.3] },
  { reset: 'soft' as const, spikes: [0, 0, 1, 1, 0], u: [0.6, 0.9, 0.05, 0.225, 0.4125] },
];

for (const c of cases) {
  test(`lifStep follows a hand-worked sequence (${c.reset} reset)`, () => {
    const p = lifParams({ decay: 0.5, vth: 1, reset: c.reset });
    let u = tf.zeros([1]);
    const spikes: number[] = [];
    const us: number[] = [];
    for (const x of inputs) {
      const out = lifStep(tf.tensor1d([x]), u, p);
      spikes.push(out.spike.dataSync()[0]);
      us.push(out.u.dataSync()[0]);
      u = out.u;
    }
    assert.deepEqual(spikes, c.spikes);
    close(us, c.u);
  });

  test(`lifMultiStep over [T*B, n] matches the hand-worked sequence (${c.reset} reset)`, () => {
    const p = lifParams({ decay: 0.5, vth: 1, reset: c.reset });
    const { spikes, u } = lifMultiStep(tf.tensor2d(inputs, [5, 1]), 5, p);
    assert.deepEqual(Array.from(spikes.dataSync()), c.spikes);
    close(u.dataSync(), [c.u[4]]);
  });
}

test('a threshold is reached at equality: h = Vth fires', () => {
  const out = lifStep(tf.tensor1d([1]), tf.zeros([1]), lifParams({ decay: 0.5, vth: 1 }));
  assert.equal(out.spike.dataSync()[0], 1);
});

test('time-major folding: row t*B + b is step t of sample b, and samples do not interact', () => {
  const T = 5;
  const a = inputs; // sample 0
  const b = [1.5, 0, 0.2, 0.9, 0.9]; // sample 1
  const steps = tf.tensor3d(
    a.map((v, t) => [[v], [b[t]]]),
    [T, 2, 1],
  );
  const folded = foldTime(steps); // [T*2, 1]
  close(
    folded.dataSync(),
    a.flatMap((v, t) => [v, b[t]]),
  );
  assert.deepEqual(unfoldTime(folded, T).shape, [T, 2, 1]);
  const p = lifParams({ decay: 0.5, vth: 1 });
  const both = Array.from(lifMultiStep(folded, T, p).spikes.dataSync());
  const alone = (seq: number[]) => Array.from(lifMultiStep(tf.tensor2d(seq, [T, 1]), T, p).spikes.dataSync());
  assert.deepEqual(
    both.filter((_, i) => i % 2 === 0),
    alone(a),
  );
  assert.deepEqual(
    both.filter((_, i) => i % 2 === 1),
    alone(b),
  );
  assert.throws(() => unfoldTime(folded, 3), /T = 3 dividing the rows/);
});

test('the LIF layer starts every pass from rest: two passes give the same spikes', () => {
  const layer = new LIF('lif', { decay: 0.5, vth: 1 });
  const x = tf.tensor2d(inputs, [5, 1]);
  const run = { training: false, T: 5 };
  const first = Array.from(layer.forward(x, run).dataSync());
  const second = Array.from(layer.forward(x, run).dataSync());
  assert.deepEqual(first, [0, 0, 1, 1, 0]);
  assert.deepEqual(second, first);
});

test('bad LIF parameters are refused with what was expected', () => {
  assert.throws(() => lifParams({ decay: 0 }), /decay must be in \(0, 1\]/);
  assert.throws(() => lifParams({ vth: -1 }), /vth must be a positive number/);
});

test('the lifSpikes kernel equals autodiff through lifStep: spikes and input gradients, every reset option', () => {
  const T = 3;
  const x = tf.randomUniform([T * 4, 5], -0.5, 1.5, 'float32', 9); // T*B rows, B = 4
  const dy = tf.randomNormal([T * 4, 5], 0, 1, 'float32', 10);
  for (const reset of ['hard', 'soft'] as const) {
    for (const detachReset of [false, true]) {
      for (const surrogate of [rectangularSurrogate({ a: 0.8 }), sigmoidSurrogate(), arctanSurrogate()]) {
        const p = lifParams({ decay: 0.7, vth: 0.5, reset, detachReset, surrogate });
        const what = `${reset}${detachReset ? ' detached' : ''} ${surrogate.name}`;
        assert.deepEqual(lifSpikes(x, T, p).dataSync(), lifMultiStep(x, T, p).spikes.dataSync(), what);
        const viaKernel = tf
          .grad((v: tf.Tensor) => tf.sum(tf.mul(lifSpikes(v, T, p), dy)))(x)
          .dataSync();
        const viaSteps = tf
          .grad((v: tf.Tensor) => tf.sum(tf.mul(lifMultiStep(v, T, p).spikes, dy)))(x)
          .dataSync();
        close(viaKernel, Array.from(viaSteps), 1e-5);
      }
    }
  }
});
