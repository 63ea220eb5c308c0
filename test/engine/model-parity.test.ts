// A whole small spiking model with a bottleneck (spike convs in the blocks, the shortcuts, the bottleneck's
// encoder and decoder; the LIF recurrence) on the engine's kernels against tfjs's own ops (dense convolutions,
// the LIF as tensor ops differentiated by autodiff): same logits, same gradient for every weight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  crossEntropy,
  insertBottleneck,
  spikingResNet18,
  useEngineKernels,
  useEngineThreads,
  type BottleneckedModel,
} from 'spikesplit';
import { engineTestSession } from './engine-session';

engineTestSession();

/** The loss and every weight's gradient of one training-mode pass of `model` on `x`. */
function lossAndGradients(
  model: BottleneckedModel,
  x: tf.Tensor,
  labels: tf.Tensor1D,
): { loss: number; grads: Record<string, Float32Array> } {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () => crossEntropy(model.forward(x, { training: true }), labels),
      model.trainableVariables(),
    );
    return {
      loss: value.dataSync()[0],
      grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g.dataSync() as Float32Array])),
    };
  });
}

test('a spiking ResNet-18 with a spike bottleneck: engine kernels and tfjs ops give the same logits and gradients', () => {
  const backbone = spikingResNet18({ width: 1 / 8, T: 2, classes: 10, seed: 7 });
  const model = insertBottleneck(backbone, 'RB3', { channels: 8, size: [8, 8] }, { seed: 2 });
  const x = tf.randomUniform([3, 32, 32, 3], 0, 1, 'float32', 5);
  const labels = tf.tensor1d([1, 4, 7], 'int32');
  const vars = model.trainableVariables();
  const pass = (engine: boolean) => {
    useEngineKernels(engine);
    return lossAndGradients(model, x, labels);
  };
  const ours = pass(true),
    theirs = pass(false);
  assert.ok(
    Math.abs(ours.loss - theirs.loss) <= 1e-5 * Math.abs(theirs.loss),
    `loss ${ours.loss} against ${theirs.loss}`,
  );
  let checked = 0;
  for (const [name, g] of Object.entries(theirs.grads)) {
    const scale = Math.max(...g.map(Math.abs));
    if (scale === 0) continue;
    const err = Math.max(...ours.grads[name].map((v, i) => Math.abs(v - g[i]))) / scale;
    assert.ok(err <= 1e-4, `${name}: relative error ${err}`);
    checked++;
  }
  assert.ok(checked >= vars.length - 2, `${checked} of ${vars.length} gradients are nonzero and checked`);
  tf.dispose([x, labels]);
  model.dispose();
});

test('a training step on 2 and 3 threads: the same loss and the same gradients as one thread, to the bit', () => {
  const model = insertBottleneck(
    spikingResNet18({ width: 1 / 8, T: 2, classes: 10, seed: 3 }),
    'RB5',
    { channels: 8, size: [8, 8] },
    { seed: 4 },
  );
  const x = tf.randomUniform([4, 32, 32, 3], 0, 1, 'float32', 6);
  const labels = tf.tensor1d([0, 3, 5, 9], 'int32');
  const step = (threads: number) => {
    useEngineThreads(threads);
    return lossAndGradients(model, x, labels);
  };
  const one = step(1);
  for (const threads of [2, 3]) {
    const many = step(threads);
    assert.equal(many.loss, one.loss, `${threads} threads: the forward pass is the same, so is the loss`);
    for (const [name, g] of Object.entries(one.grads)) {
      const differ = many.grads[name].filter((v, i) => v !== g[i]).length;
      assert.equal(
        differ,
        0,
        `${threads} threads, ${name}: ${differ} of ${g.length} gradient values differ from one thread's`,
      );
    }
  }
  tf.dispose([x, labels]);
  model.dispose();
});
