import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, Rng, TdBN } from 'spikesplit';

before(async () => {
  await initBackend('cpu', () => {});
});

const near = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
const SHAPE = [4, 2, 2, 3]; // [T*B, H, W, C]: T = 2, B = 2
const C = 3;
const N = 16; // elements per channel
const EPS = 1e-5;

function randomValues(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.normal() * 2 + 1);
}

/** Per-channel mean and population variance of NHWC values (channel = index % C). */
function stats(x: number[]): { mean: number[]; variance: number[] } {
  const mean = new Array(C).fill(0);
  const variance = new Array(C).fill(0);
  x.forEach((v, i) => (mean[i % C] += v / N));
  x.forEach((v, i) => (variance[i % C] += (v - mean[i % C]) ** 2 / N));
  return { mean, variance };
}

/** y = gamma * alpha * Vth * (x - mean) / sqrt(var + eps) + beta, written out. */
function formula(
  x: number[],
  mean: number[],
  variance: number[],
  gamma: number[],
  beta: number[],
  scale: number,
): number[] {
  return x.map((v, i) => {
    const c = i % C;
    return (gamma[c] * scale * (v - mean[c])) / Math.sqrt(variance[c] + EPS) + beta[c];
  });
}

function layer(): { bn: TdBN; gamma: number[]; beta: number[]; scale: number } {
  const bn = new TdBN('bn', C, { alpha: Math.SQRT1_2, vth: 0.5, momentum: 0.1 });
  const gamma = [1.5, 0.5, -1];
  const beta = [0.1, -0.2, 0.3];
  bn.gamma.assign(tf.tensor1d(gamma));
  bn.beta.assign(tf.tensor1d(beta));
  return { bn, gamma, beta, scale: Math.SQRT1_2 * 0.5 };
}

test('tdBN in training mode normalises each channel over T, B, H, W and scales by alpha * Vth', () => {
  const { bn, gamma, beta, scale } = layer();
  const x = randomValues(new Rng(1), 48);
  const { mean, variance } = stats(x);
  const want = formula(x, mean, variance, gamma, beta, scale);
  const got = bn.forward(tf.tensor(x, SHAPE), { training: true, T: 2 }).dataSync();
  want.forEach((w, i) => near(got[i], w, 1e-5, `y[${i}]`));
});

test('tdBN training-mode gradient flows through the batch statistics (finite differences of the formula)', () => {
  const { bn, gamma, beta, scale } = layer();
  const rng = new Rng(2);
  const x = randomValues(rng, 48);
  const r = randomValues(rng, 48);
  const loss = (v: number[]) => {
    const { mean, variance } = stats(v);
    return formula(v, mean, variance, gamma, beta, scale).reduce((s, y, i) => s + y * r[i], 0);
  };
  const grad = tf
    .grad((t: tf.Tensor) => tf.sum(tf.mul(bn.forward(t, { training: true, T: 2 }), tf.tensor(r, SHAPE))))(
      tf.tensor(x, SHAPE),
    )
    .dataSync();
  const eps = 1e-6;
  for (let i = 0; i < 48; i++) {
    const plus = [...x];
    const minus = [...x];
    plus[i] += eps;
    minus[i] -= eps;
    const want = (loss(plus) - loss(minus)) / (2 * eps);
    near(grad[i], want, 2e-4 + 1e-3 * Math.abs(want), `dL/dx[${i}]`);
  }
});

test('running statistics after 3 training steps inside tf.variableGrads, then inference uses them', () => {
  const { bn, gamma, beta, scale } = layer();
  const rng = new Rng(3);
  let runMean = [0, 0, 0];
  let runVar = [1, 1, 1];
  for (let step = 0; step < 3; step++) {
    const x = randomValues(rng, 48);
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.square(bn.forward(tf.tensor(x, SHAPE), { training: true, T: 2 }))) as tf.Scalar,
      bn
        .namedVariables()
        .map((v) => v.variable)
        .filter((v) => v.trainable),
    );
    assert.equal(Object.keys(grads).length, 2, 'gamma and beta only');
    value.dispose();
    const { mean, variance } = stats(x);
    runMean = runMean.map((m, c) => 0.9 * m + 0.1 * mean[c]);
    runVar = runVar.map((v, c) => 0.9 * v + 0.1 * variance[c] * (N / (N - 1))); // unbiased, as PyTorch
  }
  Array.from(bn.runningMean.dataSync()).forEach((v, c) => near(v, runMean[c], 1e-5, `running mean ${c}`));
  Array.from(bn.runningVar.dataSync()).forEach((v, c) => near(v, runVar[c], 1e-5, `running var ${c}`));
  const x = randomValues(rng, 48);
  const want = formula(x, runMean, runVar, gamma, beta, scale);
  const got = bn.forward(tf.tensor(x, SHAPE), { training: false, T: 2 }).dataSync();
  want.forEach((w, i) => near(got[i], w, 1e-4, `inference y[${i}]`));
  const before = Array.from(bn.runningMean.dataSync());
  bn.forward(tf.tensor(x, SHAPE), { training: false, T: 2 });
  assert.deepEqual(Array.from(bn.runningMean.dataSync()), before, 'inference leaves the running statistics alone');
});

test('tdBN names the channel mismatch', () => {
  const { bn } = layer();
  assert.throws(() => bn.forward(tf.zeros([2, 2, 2, 4]), { training: true, T: 1 }), /bn: expected 3 channels/);
});
