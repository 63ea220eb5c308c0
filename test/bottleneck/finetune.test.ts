import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  dnnResNet50,
  initBackend,
  insertBottleneck,
  spikingResNet18,
  train,
  type BottleneckedModel,
  type LabelledSource,
} from 'spikesplit';

before(async () => {
  await initBackend('wasm', () => {});
});

/** Four fixed random images, one label each: a batch the model can memorise. */
function fixedBatch(): LabelledSource {
  const x = tf.randomUniform([4, 32, 32, 3], 0, 1, 'float32', 21);
  const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
  return {
    description: 'four random images',
    count: 4,
    classes: 10,
    batch: (indices) =>
      tf.tidy(() => ({
        x: tf.gather(x, Array.from(indices)),
        labels: tf.gather(labels, Array.from(indices)) as tf.Tensor1D,
      })),
  };
}

/** Fine-tunes with the project's trainer (one step per epoch) and checks the loss falls and both parts learn. */
async function fineTune(model: BottleneckedModel, epochs: number, lr: number): Promise<number[]> {
  const data = fixedBatch();
  const before = model
    .namedVariables()
    .filter((v) => v.variable.trainable)
    .map((v) => ({ name: v.name, value: v.variable.dataSync().slice() }));
  const { history } = await train.train(
    model,
    data,
    data,
    {
      epochs,
      batchSize: 4,
      optimizer: { kind: 'adam', weightDecay: 0 },
      schedule: { kind: 'constant', lr },
      seed: 1,
      augment: false,
    },
    { log: () => {}, progress: () => {} },
  );
  const changed = (prefix: string) =>
    before.some(
      ({ name, value }) =>
        name.startsWith(prefix) &&
        model
          .namedVariables()
          .find((v) => v.name === name)!
          .variable.dataSync()
          .some((x, i) => x !== value[i]),
    );
  assert.ok(changed('bottleneck.encoder.conv'), 'the encoder learns');
  assert.ok(changed('bottleneck.decoder.deconv'), 'the decoder learns');
  assert.ok(changed('stem.conv'), 'the backbone learns (end to end)');
  return history.map((r) => r.trainLoss);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('fine-tuning a spiking ResNet-18 (width 1/16, T = 2) with a spike bottleneck at RB4 reduces the loss', async () => {
  const backbone = spikingResNet18({ width: 1 / 16, T: 2, classes: 10, seed: 5 });
  const model = insertBottleneck(backbone, 'RB4', { channels: 4 }); // 16x16x8 -> 16x16x4
  const losses = await fineTune(model, 12, 0.02);
  assert.ok(
    mean(losses.slice(-3)) < 0.7 * mean(losses.slice(0, 3)),
    `loss ${losses.map((l) => l.toFixed(3)).join(' ')}`,
  );
  model.dispose();
  backbone.dispose();
});

test('fine-tuning the DNN ResNet-50 (width 1/16) with BottleNet++ at RB8 reduces the loss through the straight-through quantiser', async () => {
  const backbone = dnnResNet50({ width: 1 / 16, classes: 10, seed: 5 });
  const model = insertBottleneck(backbone, 'RB8', { channels: 8, size: [4, 4] }); // 8x8x64 -> 4x4x8, 8-bit codes
  const losses = await fineTune(model, 8, 0.01);
  assert.ok(
    mean(losses.slice(-3)) < 0.7 * mean(losses.slice(0, 3)),
    `loss ${losses.map((l) => l.toFixed(3)).join(' ')}`,
  );
  model.dispose();
  backbone.dispose();
});
