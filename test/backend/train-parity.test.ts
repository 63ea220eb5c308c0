// Whole-network checks of the wasm training path: variable gradients against cpu, and a short training run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, Rng } from 'spikesplit';

/** A conv -> batchnorm -> relu -> conv (stride 2) -> mean-pool -> linear net over [B, 8, 8, 3]. */
function makeNet(seed: number) {
  const rng = new Rng(seed);
  const init = (name: string, shape: number[], scale: number) =>
    tf.variable(
      tf.tensor(
        Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal() * scale),
        shape,
      ),
      true,
      `${name}-${seed}`,
    );
  const params = {
    w1: init('w1', [3, 3, 3, 8], 0.3),
    gamma: tf.variable(tf.ones([8]), true, `gamma-${seed}`),
    beta: tf.variable(tf.zeros([8]), true, `beta-${seed}`),
    w2: init('w2', [3, 3, 8, 16], 0.2),
    fc: init('fc', [16, 4], 0.3),
  };
  const forward = (x: tf.Tensor4D) => {
    const h1 = tf.conv2d(x, params.w1 as tf.Tensor4D, 1, 'same');
    const { mean, variance } = tf.moments(h1, [0, 1, 2]);
    const bn = tf.batchNorm(h1, mean, variance, params.beta, params.gamma, 1e-5);
    const h2 = tf.conv2d(tf.relu(bn) as tf.Tensor4D, params.w2 as tf.Tensor4D, 2, 'same');
    return tf.matMul(tf.mean(h2, [1, 2]) as tf.Tensor2D, params.fc as tf.Tensor2D);
  };
  return { params, forward };
}

function batch(seed: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const rng = new Rng(seed);
  const x = tf.tensor4d(
    Array.from({ length: 16 * 8 * 8 * 3 }, () => rng.normal()),
    [16, 8, 8, 3],
  );
  const labels = Array.from({ length: 16 }, (_, i) => i % 4);
  return { x, y: tf.oneHot(labels, 4).toFloat() as tf.Tensor2D };
}

async function variableGrads(backend: 'wasm' | 'cpu'): Promise<Record<string, Float32Array>> {
  await initBackend(backend, () => undefined);
  const net = makeNet(1);
  const { x, y } = batch(2);
  const { grads, value } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, net.forward(x)) as tf.Scalar);
  const out: Record<string, Float32Array> = {};
  for (const [name, g] of Object.entries(grads)) out[name] = (await g.data()) as Float32Array;
  tf.dispose([x, y, value, ...Object.values(grads), ...Object.values(net.params)]);
  return out;
}

test('tf.variableGrads of a conv -> batchnorm -> conv net on wasm matches cpu', async () => {
  const wasm = await variableGrads('wasm');
  const cpu = await variableGrads('cpu');
  assert.equal(Object.keys(wasm).length, 5);
  for (const name of Object.keys(cpu)) {
    const a = wasm[name],
      b = cpu[name];
    let diff = 0,
      scale = 0;
    for (let i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    assert.ok(diff / scale <= 1e-4, `gradient of a variable of shape [${b.length}]: relative error ${diff / scale}`);
  }
});

test('a 2-layer conv net trains for 20 steps on wasm with falling loss', async () => {
  await initBackend('wasm', () => undefined);
  const net = makeNet(5);
  const { x, y } = batch(6);
  const optimizer = tf.train.sgd(0.3);
  const losses: number[] = [];
  for (let step = 0; step < 20; step++) {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, net.forward(x)) as tf.Scalar, true)!;
    losses.push(loss.dataSync()[0]);
    loss.dispose();
  }
  assert.ok(losses.every(Number.isFinite), `losses: ${losses}`);
  assert.ok(losses[19] < 0.5 * losses[0], `loss fell from ${losses[0]} to ${losses[19]} only`);
  tf.dispose([x, y, ...Object.values(net.params)]);
  optimizer.dispose();
});
