// Parity of the wasm kernels spikesplit registers (convolution gradients, transposed matMul) with the cpu backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, Rng } from 'spikesplit';

type Case = {
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  stride: 1 | 2 | 3;
  pad: 'same' | 'valid' | number;
};

/** max |a - b| / max |b|: the relative error of a whole tensor. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let diff = 0,
    scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

function randomCases(count: number, seed: number): Case[] {
  const rng = new Rng(seed);
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const k = 1 + rng.int(5);
    const kw = rng.next() < 0.8 ? k : 1 + rng.int(5);
    cases.push({
      x: [1 + rng.int(3), k + rng.int(12), kw + rng.int(12), 1 + rng.int(9)],
      k: [k, kw],
      co: 1 + rng.int(9),
      stride: rng.next() < 0.5 ? 1 : 2,
      pad: rng.next() < 0.7 ? 'same' : 'valid',
    });
  }
  return cases;
}

/** Runs `fn` on `backend` with fresh copies of the given arrays; returns the outputs' values. */
async function on(
  backend: 'wasm' | 'cpu',
  arrays: { values: Float32Array; shape: number[] }[],
  fn: (...t: tf.Tensor[]) => tf.Tensor[],
): Promise<Float32Array[]> {
  await initBackend(backend, () => undefined);
  const inputs = arrays.map((a) => tf.tensor(a.values, a.shape));
  const outs = fn(...inputs);
  const values = await Promise.all(outs.map((o) => o.data() as Promise<Float32Array>));
  tf.dispose([...inputs, ...outs]);
  return values;
}

function random(shape: number[], rng: Rng) {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return { values, shape };
}

const FIXED: Case[] = [
  { x: [2, 9, 9, 3], k: [3, 3], co: 4, stride: 1, pad: 'same' },
  { x: [2, 9, 9, 3], k: [3, 3], co: 4, stride: 2, pad: 'same' }, // odd size: TF pads 0 top, 1 bottom
  { x: [2, 10, 10, 3], k: [3, 3], co: 4, stride: 2, pad: 'same' },
  { x: [2, 10, 7, 3], k: [3, 2], co: 4, stride: 2, pad: 'valid' },
  { x: [2, 8, 8, 5], k: [1, 1], co: 6, stride: 1, pad: 'same' },
  { x: [2, 9, 9, 5], k: [1, 1], co: 6, stride: 2, pad: 'same' },
  { x: [1, 12, 12, 4], k: [5, 5], co: 2, stride: 2, pad: 'same' },
  { x: [2, 8, 8, 3], k: [3, 3], co: 4, stride: 2, pad: 1 }, // ResNet's strided 3x3: one zero on every side
  { x: [2, 9, 8, 3], k: [3, 3], co: 4, stride: 2, pad: 1 },
  { x: [2, 8, 8, 3], k: [3, 3], co: 4, stride: 1, pad: 1 },
  { x: [2, 11, 10, 3], k: [3, 3], co: 4, stride: 3, pad: 'same' },
  { x: [2, 10, 10, 3], k: [1, 3], co: 4, stride: 2, pad: 'same' }, // rows: a filter smaller than its stride
  { x: [2, 10, 10, 3], k: [2, 2], co: 4, stride: 3, pad: 1 }, // every third row and column gets no gradient
];

for (const [i, c] of [...FIXED, ...randomCases(30, 7)].entries()) {
  test(`conv2d input and filter gradients on wasm match cpu: ${JSON.stringify(c)}`, async () => {
    const rng = new Rng(100 + i);
    const x = random(c.x, rng);
    const f = random([...c.k, c.x[3], c.co], rng);
    const outShape = tf.backend_util.computeConv2DInfo(
      c.x,
      [...c.k, c.x[3], c.co] as [number, number, number, number],
      c.stride,
      1,
      c.pad,
    ).outShape;
    const dy = random(outShape, rng);
    // dx and dW through the gradients of conv2d, which call Conv2DBackpropInput and Conv2DBackpropFilter.
    const grads = (xt: tf.Tensor, ft: tf.Tensor, dyt: tf.Tensor) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), dyt)),
      )([xt, ft]);
    const [dxW, dfW] = await on('wasm', [x, f, dy], grads);
    const [dxC, dfC] = await on('cpu', [x, f, dy], grads);
    assert.ok(relativeError(dxW, dxC) <= 1e-4, `input gradient: relative error ${relativeError(dxW, dxC)}`);
    assert.ok(relativeError(dfW, dfC) <= 1e-4, `filter gradient: relative error ${relativeError(dfW, dfC)}`);
  });
}

test('conv2dTranspose (the decoder deconvolution) on wasm matches cpu, with its gradients', async () => {
  const rng = new Rng(3);
  for (const [inShape, k, stride, pad] of [
    [[2, 4, 4, 8], 2, 2, 'same'],
    [[2, 5, 5, 8], 3, 2, 'same'],
    [[1, 4, 4, 6], 3, 1, 'valid'],
  ] as const) {
    const x = random([...inShape], rng);
    const co = 5;
    const outSize = pad === 'same' ? inShape[1] * stride : (inShape[1] - 1) * stride + k;
    const outShape: [number, number, number, number] = [inShape[0], outSize, outSize, co];
    const f = random([k, k, co, inShape[3]], rng);
    const dy = random(outShape, rng);
    const run = (xt: tf.Tensor, ft: tf.Tensor, dyt: tf.Tensor) => {
      const deconv = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outShape, stride, pad);
      return [deconv(xt, ft), ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(deconv(a, b), dyt)))([xt, ft])];
    };
    const wasm = await on('wasm', [x, f, dy], run);
    const cpu = await on('cpu', [x, f, dy], run);
    for (const j of [0, 1, 2])
      assert.ok(
        relativeError(wasm[j], cpu[j]) <= 1e-4,
        `output ${j} of ${JSON.stringify(inShape)}: ${relativeError(wasm[j], cpu[j])}`,
      );
  }
});

test('matMul with transposed operands (and its gradients) on wasm matches cpu', async () => {
  const rng = new Rng(11);
  for (const [transposeA, transposeB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    const a = random(transposeA ? [2, 7, 5] : [2, 5, 7], rng);
    const b = random(transposeB ? [2, 3, 7] : [2, 7, 3], rng);
    const dy = random([2, 5, 3], rng);
    const run = (at: tf.Tensor, bt: tf.Tensor, dyt: tf.Tensor) => {
      const f = (p: tf.Tensor, q: tf.Tensor) => tf.matMul(p as tf.Tensor3D, q as tf.Tensor3D, transposeA, transposeB);
      return [f(at, bt), ...tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(f(p, q), dyt)))([at, bt])];
    };
    const wasm = await on('wasm', [a, b, dy], run);
    const cpu = await on('cpu', [a, b, dy], run);
    for (const j of [0, 1, 2])
      assert.ok(
        relativeError(wasm[j], cpu[j]) <= 1e-4,
        `transposeA=${transposeA} transposeB=${transposeB} output ${j}: ${relativeError(wasm[j], cpu[j])}`,
      );
  }
});

test('Identity on wasm shares the buffer, and disposing either tensor leaves the other intact', async () => {
  await initBackend('wasm', () => undefined);
  const before = tf.memory().numTensors;
  const x = tf.tensor([1, 2, 3, 4], [2, 2]);
  const y = tf.clone(x);
  assert.equal(y.dataId, x.dataId, 'the clone shares the buffer');
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3, 4]);
  const z = tf.add(y, 1);
  y.dispose();
  assert.deepEqual(Array.from(z.dataSync()), [2, 3, 4, 5]);
  z.dispose();
  assert.equal(tf.memory().numTensors, before);
});
