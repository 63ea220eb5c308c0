// The optimizers and schedules against their formulas worked by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createOptimizer, initBackend, learningRate, Rng, useEngineKernels, type OptimizerConfig } from 'spikesplit';

function param(name: string, values: number[], shape: number[]) {
  return { name, variable: tf.variable(tf.tensor(values, shape), true) };
}

test('SGD with momentum and weight decay follows v = m v + (g + wd w), w -= lr v', async () => {
  await initBackend('cpu', () => undefined);
  const w = param('w', [1, -2], [1, 2]);
  const opt = createOptimizer({ kind: 'sgd', momentum: 0.9, weightDecay: 0.1 }, [w]);
  const g = tf.tensor([[0.5, 0.5]]);
  // step 1: v = g + 0.1 w = [0.6, 0.3]; w = w - 0.1 v = [0.94, -2.03]
  opt.step({ [w.variable.name]: g }, 0.1);
  assert.deepEqual(
    Array.from(w.variable.dataSync()).map((x) => +x.toFixed(6)),
    [0.94, -2.03],
  );
  // step 2: v = 0.9 [0.6, 0.3] + [0.5 + 0.094, 0.5 - 0.203] = [1.134, 0.567]; w = [0.94 - 0.1134, -2.03 - 0.0567]
  opt.step({ [w.variable.name]: g }, 0.1);
  assert.deepEqual(
    Array.from(w.variable.dataSync()).map((x) => +x.toFixed(5)),
    [0.8266, -2.0867],
  );
  assert.deepEqual(
    opt.namedVariables().map((v) => v.name),
    ['optimizer.step', 'w.momentum'],
  );
  opt.dispose();
});

test('weight decay skips 1-D parameters (normalisation scales and biases)', async () => {
  await initBackend('cpu', () => undefined);
  const b = param('bias', [1, 1], [2]);
  const opt = createOptimizer({ kind: 'sgd', momentum: 0, weightDecay: 0.5 }, [b]);
  opt.step({ [b.variable.name]: tf.tensor([0, 0]) }, 0.1);
  assert.deepEqual(Array.from(b.variable.dataSync()), [1, 1]);
  opt.dispose();
});

test('Adam matches its bias-corrected update computed by hand', async () => {
  await initBackend('cpu', () => undefined);
  const w = param('w', [1], [1, 1]);
  const opt = createOptimizer({ kind: 'adam', weightDecay: 0 }, [w]);
  let m = 0,
    v = 0,
    x = 1;
  for (let t = 1; t <= 3; t++) {
    const g = 2 * x; // gradient of x^2
    opt.step({ [w.variable.name]: tf.tensor([[g]]) }, 0.01);
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    x -= (0.01 * (m / (1 - 0.9 ** t))) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8);
    assert.ok(Math.abs(w.variable.dataSync()[0] - x) < 1e-6, `step ${t}: ${w.variable.dataSync()[0]} vs ${x}`);
  }
  opt.dispose();
});

test("the engine's one-pass update gives the tensor ops' weights and state to the bit, over several steps", async () => {
  await initBackend('wasm', () => undefined);
  const rng = new Rng(4);
  const shapes = [[7], [1], [3, 3, 5, 67], [600_003]]; // tails of every length; the last is split between threads
  const values = shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal()));
  const grads = [1, 2, 3].map(() => values.map((v) => Float32Array.from(v, () => rng.normal())));
  const configs: OptimizerConfig[] = [
    { kind: 'sgd', momentum: 0.9, weightDecay: 5e-4, nesterov: true },
    { kind: 'sgd', momentum: 0, weightDecay: 0 },
    { kind: 'adam', weightDecay: 1e-4 },
    { kind: 'adam', beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0 },
  ];
  for (const config of configs) {
    const run = (engine: boolean) => {
      useEngineKernels(engine);
      const params = shapes.map((s, i) => ({ name: `p${i}`, variable: tf.variable(tf.tensor(values[i], s), true) }));
      const opt = createOptimizer(config, params);
      for (const [step, g] of grads.entries()) {
        const named = Object.fromEntries(params.map((p, i) => [p.variable.name, tf.tensor(g[i], shapes[i])]));
        opt.step(named, 0.01 * (step + 1));
        tf.dispose(Object.values(named));
      }
      const out = [...params, ...opt.namedVariables()].map((p) => Array.from(p.variable.dataSync()));
      opt.dispose();
      params.forEach((p) => p.variable.dispose());
      return out;
    };
    const [engine, tensors] = [run(true), run(false)];
    useEngineKernels(true);
    engine.forEach((e, i) => assert.deepEqual(e, tensors[i], `${JSON.stringify(config)}: variable ${i}`));
  }
});

test('bad optimizer settings name the setting', () => {
  assert.throws(
    () => createOptimizer({ kind: 'sgd', momentum: 1.5, weightDecay: 0 }, []),
    /momentum must be in \[0, 1\), got 1.5/,
  );
});

test('cosine, step and warm-up schedules', () => {
  const cos = { kind: 'cosine', lr: 0.1, epochs: 10 } as const;
  assert.equal(learningRate(cos, 0), 0.1);
  assert.ok(Math.abs(learningRate(cos, 5) - 0.05) < 1e-12);
  assert.ok(Math.abs(learningRate(cos, 10)) < 1e-12);
  assert.ok(Math.abs(learningRate({ kind: 'step', lr: 0.1, everyEpochs: 3, gamma: 0.1 }, 6.5) - 0.001) < 1e-12);
  assert.ok(learningRate({ ...cos, warmupEpochs: 2 }, 1) < 0.1);
});
