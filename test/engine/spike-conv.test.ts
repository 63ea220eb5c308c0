// The spike kernels against tfjs's own dense convolutions on the same binary input (the cpu backend's, an
// independent implementation), their thread-count independence, their error on non-binary input, and their
// accumulate counts against a count made by a dense convolution with a filter of ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  initBackend,
  kernelPool,
  Rng,
  spikeConv2d,
  spikeConvTranspose2d,
  useEngineThreads,
  engineThreads,
} from 'spikesplit';

before(async () => {
  await initBackend('cpu', () => undefined);
});

after(() => {
  useEngineThreads(engineThreads());
});

/** max |a - b| / max |b|. */
function relativeError(a: tf.Tensor, b: tf.Tensor): number {
  const [x, y] = [a.dataSync(), b.dataSync()];
  assert.equal(x.length, y.length);
  let diff = 0,
    scale = 0;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

function spikes(shape: number[], rate: number, rng: Rng): tf.Tensor4D {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.next() < rate ? 1 : 0;
  return tf.tensor4d(values, shape as [number, number, number, number]);
}

function normal(shape: number[], rng: Rng): tf.Tensor {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return tf.tensor(values, shape);
}

interface Case {
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: 1 | 3;
  stride: 1 | 2;
  pad: number;
  rate: number;
}

/** Random shapes: odd sizes, channel counts across word (32) and vector (4, 16) boundaries, k 1 and 3, strides 1 and 2. */
function cases(count: number, seed: number): Case[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const k = rng.next() < 0.5 ? 1 : 3;
    return {
      n: 1 + rng.int(3),
      h: k + rng.int(10),
      w: k + rng.int(10),
      cin: 1 + rng.int(70),
      cout: 1 + rng.int(40),
      k,
      stride: rng.next() < 0.5 ? 1 : 2,
      pad: k === 3 && rng.next() < 0.8 ? 1 : 0,
      rate: 0.05 + 0.5 * rng.next(),
    } as Case;
  });
}

const FIXED: Case[] = [
  { n: 2, h: 9, w: 7, cin: 64, cout: 64, k: 3, stride: 1, pad: 1, rate: 0.1 },
  { n: 1, h: 8, w: 8, cin: 33, cout: 17, k: 3, stride: 2, pad: 1, rate: 0.3 },
  { n: 3, h: 5, w: 5, cin: 32, cout: 48, k: 1, stride: 1, pad: 0, rate: 0.2 },
  { n: 2, h: 7, w: 9, cin: 5, cout: 3, k: 1, stride: 2, pad: 0, rate: 0.5 },
];

for (const c of [...FIXED, ...cases(24, 13)]) {
  test(`spike conv forward, filter and input gradients equal tf.conv2d: ${JSON.stringify(c)}`, () => {
    const rng = new Rng(c.n * 1000 + c.cin * 10 + c.cout);
    tf.tidy(() => {
      const x = spikes([c.n, c.h, c.w, c.cin], c.rate, rng);
      const w = normal([c.k, c.k, c.cin, c.cout], rng) as tf.Tensor4D;
      const dense = tf.conv2d(x, w, c.stride, c.pad);
      const dy = normal(dense.shape, rng);
      const loss = (conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor) => (xs: tf.Tensor, ws: tf.Tensor) =>
        tf.sum(tf.mul(conv(xs as tf.Tensor4D, ws as tf.Tensor4D), dy));
      const ours = (xs: tf.Tensor4D, ws: tf.Tensor4D) =>
        spikeConv2d(xs, ws, { stride: c.stride, pad: c.pad, name: 'test.conv' });
      const theirs = (xs: tf.Tensor4D, ws: tf.Tensor4D) => tf.conv2d(xs, ws, c.stride, c.pad);
      assert.ok(relativeError(ours(x, w), dense) <= 1e-5, 'forward');
      const [dxOurs, dwOurs] = tf.grads(loss(ours))([x, w]);
      const [dxTheirs, dwTheirs] = tf.grads(loss(theirs))([x, w]);
      assert.ok(relativeError(dwOurs, dwTheirs) <= 1e-5, `filter gradient: ${relativeError(dwOurs, dwTheirs)}`);
      assert.ok(relativeError(dxOurs, dxTheirs) <= 1e-5, 'input gradient');
    });
  });
}

for (const c of [
  { n: 2, h: 4, w: 3, cin: 8, cout: 64, k: 2, stride: 2, pad: 0 },
  { n: 1, h: 5, w: 5, cin: 37, cout: 6, k: 3, stride: 2, pad: 1 },
  { n: 2, h: 3, w: 4, cin: 16, cout: 20, k: 1, stride: 1, pad: 0 },
  { n: 1, h: 6, w: 5, cin: 3, cout: 9, k: 3, stride: 1, pad: 1 },
]) {
  test(`transposed spike conv forward and gradients equal tf.conv2dTranspose: ${JSON.stringify(c)}`, () => {
    const rng = new Rng(c.cin + c.cout);
    tf.tidy(() => {
      const x = spikes([c.n, c.h, c.w, c.cin], 0.3, rng);
      const w = normal([c.k, c.k, c.cout, c.cin], rng) as tf.Tensor4D;
      const out: [number, number] = [(c.h - 1) * c.stride - 2 * c.pad + c.k, (c.w - 1) * c.stride - 2 * c.pad + c.k];
      const theirs = (xs: tf.Tensor4D, ws: tf.Tensor4D) =>
        tf.conv2dTranspose(xs, ws, [c.n, ...out, c.cout], c.stride, c.pad);
      const ours = (xs: tf.Tensor4D, ws: tf.Tensor4D) =>
        spikeConvTranspose2d(xs, ws, out, { stride: c.stride, pad: c.pad, name: 'test.deconv' });
      const dense = theirs(x, w);
      const dy = normal(dense.shape, rng);
      assert.ok(relativeError(ours(x, w), dense) <= 1e-5, 'forward');
      const loss = (conv: typeof ours) => (xs: tf.Tensor, ws: tf.Tensor) =>
        tf.sum(tf.mul(conv(xs as tf.Tensor4D, ws as tf.Tensor4D), dy));
      const [dxOurs, dwOurs] = tf.grads(loss(ours))([x, w]);
      const [dxTheirs, dwTheirs] = tf.grads(loss(theirs))([x, w]);
      assert.ok(relativeError(dwOurs, dwTheirs) <= 1e-5, 'filter gradient');
      assert.ok(relativeError(dxOurs, dxTheirs) <= 1e-5, 'input gradient');
    });
  });
}

test('spike kernels give the same forward pass and filter gradient on 1 and 3 threads, to the bit', () => {
  const rng = new Rng(5);
  const x = spikes([3, 11, 9, 40], 0.2, rng);
  const w = normal([3, 3, 40, 24], rng) as tf.Tensor4D;
  const dy = normal([3, 6, 5, 24], rng);
  const run = (threads: number) => {
    useEngineThreads(threads);
    const f = (xs: tf.Tensor, ws: tf.Tensor) =>
      tf.sum(tf.mul(spikeConv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, { stride: 2, pad: 1, name: 't' }), dy));
    return { y: spikeConv2d(x, w, { stride: 2, pad: 1, name: 't' }), dw: tf.grads(f)([x, w])[1] };
  };
  const one = run(1),
    three = run(3);
  assert.deepEqual(Array.from(three.y.dataSync()), Array.from(one.y.dataSync()));
  assert.deepEqual(Array.from(three.dw.dataSync()), Array.from(one.dw.dataSync()));
});

test('a pool lowered to 1 thread and raised back keeps its workers and gives the same results', () => {
  const rng = new Rng(6);
  const x = spikes([2, 7, 7, 33], 0.3, rng);
  const w = normal([3, 3, 33, 12], rng) as tf.Tensor4D;
  const pool = useEngineThreads(3);
  const at = (threads: number) => {
    assert.equal(useEngineThreads(threads), pool, `${threads} threads: the same pool`);
    assert.equal(kernelPool().threads, threads);
    return Array.from(spikeConv2d(x, w, { stride: 1, pad: 1, name: 't' }).dataSync());
  };
  const three = at(3);
  assert.deepEqual(at(1), three);
  assert.deepEqual(at(2), three);
  assert.deepEqual(at(3), three);
  assert.throws(() => pool.activate(4), /threads must be an integer from 1 to 3, got 4/);
  assert.throws(() => useEngineThreads(0), /threads must be an integer from 1 to 3, got 0/);
});

test('a filter met again is served from the kept weights, and a reassigned variable is never served stale', () => {
  const rng = new Rng(8);
  const x = spikes([2, 6, 6, 36], 0.3, rng);
  const w = tf.variable(normal([3, 3, 36, 40], rng));
  const conv = () => spikeConv2d(x, w as tf.Tensor as tf.Tensor4D, { stride: 1, pad: 1, name: 'cached' });
  const dense = () => tf.conv2d(x, w as tf.Tensor as tf.Tensor4D, 1, 1);
  for (let call = 0; call < 3; call++) assert.ok(relativeError(conv(), dense()) <= 1e-5, `call ${call}`); // arena, kept, kept
  assert.ok(kernelPool().keptBytes() > 0, 'the filter met twice is kept');
  for (let step = 0; step < 2; step++) {
    w.assign(tf.add(w, 1));
    assert.ok(relativeError(conv(), dense()) <= 1e-5, `after assign ${step}`);
    assert.ok(relativeError(conv(), dense()) <= 1e-5, `after assign ${step}, again`);
  }
  w.dispose();
});

test('a spike convolution refuses input that is not binary, naming the layer and the count', () => {
  const x = tf.tensor4d([0, 1, 0.5, 1, 2, 0, 0, 1], [1, 2, 2, 2]);
  const w = tf.ones([1, 1, 2, 3]) as tf.Tensor4D;
  assert.throws(
    () => spikeConv2d(x, w, { stride: 1, pad: 0, name: 'RB2.conv1' }),
    /RB2\.conv1: a spike convolution reads binary spikes \(0 or 1\), but 2 of the 8 input values are neither/,
  );
});

test('the accumulates counted equal the spikes each output pixel meets, times the output channels', () => {
  for (const [stride, pad, transposed] of [
    [1, 1, false],
    [2, 1, false],
    [2, 0, true],
  ] as const) {
    const rng = new Rng(stride * 10 + pad);
    const [cin, cout, k] = [21, 13, 3];
    const x = spikes([2, 7, 8, cin], 0.25, rng);
    let counted = 0;
    const sink = (n: number) => (counted += n);
    let expected: number;
    if (transposed) {
      const out: [number, number] = [(7 - 1) * stride + k, (8 - 1) * stride + k];
      spikeConvTranspose2d(x, normal([k, k, cout, cin], rng) as tf.Tensor4D, out, {
        stride,
        pad,
        name: 't',
        onAccumulates: sink,
      });
      // Every spike meets all k*k taps' cout weights (no padding, so none falls outside).
      expected = x.sum().dataSync()[0] * k * k * cout;
    } else {
      spikeConv2d(x, normal([k, k, cin, cout], rng) as tf.Tensor4D, { stride, pad, name: 't', onAccumulates: sink });
      // A filter of ones counts the spikes in each output pixel's receptive field.
      expected =
        tf
          .conv2d(x, tf.ones([k, k, cin, 1]) as tf.Tensor4D, stride, pad)
          .sum()
          .dataSync()[0] * cout;
    }
    assert.equal(counted, expected, `stride ${stride}, pad ${pad}, transposed ${transposed}`);
  }
});
