import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, spikingResNet18 } from 'spikesplit';

before(async () => {
  await initBackend('wasm', () => {});
});

test('a width-1/8 spiking ResNet-18 at T=2 fits a tiny random batch on wasm (loss falls by > 0.1 nat over 20 SGD steps)', () => {
  const model = spikingResNet18({ width: 1 / 8, T: 2, classes: 10, seed: 5 });
  const x = tf.randomUniform([8, 32, 32, 3], 0, 1, 'float32', 1);
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
  const vars = model.trainableVariables();
  const losses: number[] = [];
  for (let step = 0; step < 20; step++) {
    const { value, grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(labels, model.forward(x, { training: true })) as tf.Scalar,
      vars,
    );
    losses.push(value.dataSync()[0]);
    tf.tidy(() => {
      for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.5)));
    });
    tf.dispose([value, grads]);
  }
  const first = losses.slice(0, 3).reduce((a, b) => a + b) / 3;
  const last = losses.slice(-3).reduce((a, b) => a + b) / 3;
  assert.ok(Number.isFinite(last) && last < first - 0.1, `loss ${losses.map((l) => l.toFixed(3)).join(' ')}`);
  model.dispose();
});
