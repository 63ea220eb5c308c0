// Data-parallel replicas against their definition computed on one thread: each step's update is the optimizer's
// with the rows-weighted mean of the gradients of each replica's rows (each normalised by its own batch
// statistics, from the same weights), and the running statistics become the rows-weighted mean of each
// replica's update.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, initBackend, train as training, useEngineThreads, type NamedVariable } from 'spikesplit';

const { Replicas, batchGradients, createOptimizer } = training;

const RECIPE = {
  name: 'resnet18',
  options: {
    width: 1 / 16,
    T: 2,
    classes: 10,
    momentum: 0.1,
    seed: 3,
    inputShape: [16, 16, 3] as [number, number, number],
  },
};

/** A model of the recipe, its variables and the ones it trains. */
function fresh() {
  const model = createModel(RECIPE.name, RECIPE.options);
  return { model, params: model.namedVariables(), trained: model.trainableVariables() };
}

function values(params: NamedVariable[]): Map<string, Float32Array> {
  return new Map(params.map((p) => [p.name, p.variable.dataSync() as Float32Array]));
}

/** The definition: per-shard gradients and running statistics from the same state, averaged by rows. */
function referenceStep(
  model: ReturnType<typeof createModel>,
  params: NamedVariable[],
  shards: { x: tf.Tensor; labels: tf.Tensor1D }[],
  optimizer: ReturnType<typeof createOptimizer>,
  lr: number,
): void {
  const trained = params.filter((p) => p.variable.trainable).map((p) => p.variable);
  const start = params.map((p) => tf.clone(p.variable));
  const rows = shards.map((s) => s.x.shape[0]);
  const B = rows.reduce((a, b) => a + b, 0);
  const sums = new Map<string, Float32Array>();
  shards.forEach((s, i) => {
    params.forEach((p, j) => p.variable.assign(start[j]));
    const { grads } = batchGradients(model, s.x, s.labels, trained);
    for (const p of params) {
      const value = (grads[p.variable.name] ?? p.variable).dataSync();
      const sum = sums.get(p.name) ?? new Float32Array(value.length);
      for (let k = 0; k < value.length; k++) sum[k] += value[k] * (rows[i] / B);
      sums.set(p.name, sum);
    }
    tf.dispose(Object.values(grads));
  });
  params.forEach((p, j) => p.variable.assign(start[j]));
  const grads: tf.NamedTensorMap = {};
  for (const p of params) {
    const mean = tf.tensor(sums.get(p.name)!, p.variable.shape);
    if (p.variable.trainable) grads[p.variable.name] = mean;
    else if (p.name.includes('running')) p.variable.assign(mean);
  }
  optimizer.step(grads, lr);
  tf.dispose([...start, ...Object.values(grads)]);
}

test('two replicas give the update and running statistics of their definition, step after step', async () => {
  await initBackend('wasm', () => undefined);
  useEngineThreads(1);
  const B = 7; // shards of 4 and 3 rows: unequal weights
  const x = tf.randomUniform([B, 16, 16, 3], 0, 1, 'float32', 5);
  const labels = tf.tensor1d([0, 3, 9, 1, 1, 4, 7], 'int32');
  const config = { kind: 'sgd', momentum: 0.9, weightDecay: 1e-4 } as const;

  const { model, params, trained } = fresh();
  const optimizer = createOptimizer(config, params);
  const replicas = Replicas.start(model, RECIPE, trained, 2, { maxRows: B, imageShape: [16, 16, 3] });

  const { model: reference, params: refParams } = fresh();
  const refOptimizer = createOptimizer(config, refParams);
  const shards = [
    { x: x.slice(0, 4), labels: labels.slice(0, 4) },
    { x: x.slice(4, 3), labels: labels.slice(4, 3) },
  ];
  try {
    for (let step = 0; step < 2; step++) {
      const result = replicas.step(x, labels, optimizer, 0.05);
      assert.ok(Number.isFinite(result.loss) && result.correct >= 0 && result.correct <= B);
      referenceStep(reference, refParams, shards, refOptimizer, 0.05);
      const [got, want] = [values(params), values(refParams)];
      let changed = 0;
      for (const [name, w] of want) {
        const g = got.get(name)!;
        const scale = Math.max(1e-6, ...w.map(Math.abs));
        const err = Math.max(...w.map((v, k) => Math.abs(v - g[k]))) / scale;
        assert.ok(err <= 1e-5, `step ${step}, ${name}: relative error ${err}`);
        if (name.includes('running')) changed++;
      }
      assert.ok(changed > 0, 'the running statistics were compared');
    }
  } finally {
    await replicas.close();
    tf.dispose([x, labels, ...shards.flatMap((s) => [s.x, s.labels])]);
  }
});

test('a batch with fewer rows than replicas trains on the calling thread: the update of one plain step', async () => {
  await initBackend('wasm', () => undefined);
  useEngineThreads(1);
  const config = { kind: 'sgd', momentum: 0, weightDecay: 0 } as const;
  const x = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 9);
  const labels = tf.tensor1d([4], 'int32');
  const { model, params, trained } = fresh();
  const replicas = Replicas.start(model, RECIPE, trained, 2, { maxRows: 4, imageShape: [16, 16, 3] });
  const { model: reference, params: refParams, trained: refTrained } = fresh();
  try {
    replicas.step(x, labels, createOptimizer(config, params), 0.05);
    training.trainStep(reference, x, labels, refTrained, createOptimizer(config, refParams), 0.05);
    const [got, want] = [values(params), values(refParams)];
    for (const [name, w] of want) assert.deepEqual(Array.from(got.get(name)!), Array.from(w), name);
  } finally {
    await replicas.close();
  }
});

test('replicas refuse a batch larger than they were started for, and a count below 2', async () => {
  await initBackend('wasm', () => undefined);
  const { model, params, trained } = fresh();
  assert.throws(
    () => Replicas.start(model, RECIPE, trained, 1, { maxRows: 4, imageShape: [16, 16, 3] }),
    /count must be an integer of at least 2, got 1/,
  );
  const replicas = Replicas.start(model, RECIPE, trained, 2, { maxRows: 4, imageShape: [16, 16, 3] });
  try {
    const x = tf.zeros([6, 16, 16, 3]);
    assert.throws(
      () =>
        replicas.step(
          x,
          tf.tensor1d([0, 0, 0, 0, 0, 0], 'int32'),
          createOptimizer({ kind: 'sgd', momentum: 0, weightDecay: 0 }, params),
          0.1,
        ),
      /a batch of 6 rows, but they were started for 4/,
    );
  } finally {
    await replicas.close();
  }
});

test('a worker whose recipe builds another model fails the step with an error, instead of training it', async () => {
  await initBackend('wasm', () => undefined);
  const { model, params, trained } = fresh();
  const other = { name: 'vgg16', options: RECIPE.options };
  const replicas = Replicas.start(model, other, trained, 2, { maxRows: 4, imageShape: [16, 16, 3] });
  try {
    const optimizer = createOptimizer({ kind: 'sgd', momentum: 0, weightDecay: 0 }, params);
    assert.throws(
      () => replicas.step(tf.zeros([4, 16, 16, 3]), tf.tensor1d([0, 1, 2, 3], 'int32'), optimizer, 0.1),
      /a worker replica failed its step/,
    );
  } finally {
    await replicas.close();
  }
});
