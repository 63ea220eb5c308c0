/**
 * One worker replica (replicas.ts): builds the model from the recipe on a tfjs wasm backend of its own with
 * a one-thread spike engine, then at every dispatch loads the weights it is sent, computes the gradients of
 * its rows, and sends back the gradient of every variable being trained and the value of every other.
 */
import { workerData } from 'worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend/backend';
import { serve } from '../engine/generations';
import { useEngineThreads } from '../engine/engine';
import { createModel } from '../models/registry';
import { REPLICA_CTRL, type ReplicaLayout } from './replica-layout';
import type { ModelRecipe } from './replicas';
import { batchGradients, type BatchGradients } from './step';

const { recipe, shared, layout, tid } = workerData as {
  recipe: ModelRecipe;
  shared: SharedArrayBuffer;
  layout: ReplicaLayout;
  tid: number;
};
const ctrl = new Int32Array(shared, 0, REPLICA_CTRL.slots);
const region = layout.replicas[tid - 1];
const floats = (at: number, length: number) => new Float32Array(shared, at, length);

async function ready() {
  await initBackend('wasm', () => undefined);
  useEngineThreads(1);
  const model = createModel(recipe.name, recipe.options);
  const params = model.namedVariables();
  if (params.map((p) => p.name).join('\n') !== layout.names.join('\n'))
    throw new Error(`replica ${tid}: the recipe's model '${recipe.name}' has other variables than the caller's`);
  const trained = params.filter((_, i) => layout.trained[i]).map((p) => p.variable);
  return { model, params, trained };
}

/** This replica's step: the weights in, the gradients of its rows out. */
function step({ model, params, trained }: Awaited<ReturnType<typeof ready>>): void {
  const rows = ctrl[REPLICA_CTRL.rows + tid - 1];
  const pixels = layout.imageShape.reduce((a, b) => a * b, 1);
  let result!: BatchGradients; // its gradients are kept out of the tidy
  tf.tidy(() => {
    params.forEach((p, i) =>
      p.variable.assign(tf.tensor(floats(layout.weights[i], p.variable.size), p.variable.shape)),
    );
    const x = tf.tensor(floats(region.x, rows * pixels), [rows, ...layout.imageShape]);
    const labels = tf.tensor1d(new Int32Array(shared, region.labels, rows), 'int32');
    result = batchGradients(model, x, labels, trained);
  });
  const { loss, correct, grads } = result;
  params.forEach((p, i) => {
    const g = grads[p.variable.name];
    floats(region.values[i], p.variable.size).set((g ?? p.variable).dataSync() as Float32Array);
  });
  tf.dispose(Object.values(grads));
  new Float64Array(shared, region.result, 2).set([loss, correct]);
}

const report = (err: unknown) =>
  process.stderr.write(`spikesplit replica ${tid}: ${err instanceof Error ? err.stack : String(err)}\n`);

ready().then(
  (replica) => serve(ctrl, REPLICA_CTRL, () => ctrl[REPLICA_CTRL.command] >= 0 && (step(replica), true), report),
  (err) => {
    report(err);
    serve(
      ctrl,
      REPLICA_CTRL,
      () => {
        if (ctrl[REPLICA_CTRL.command] < 0) return false;
        throw new Error(`replica ${tid} did not start`);
      },
      () => undefined,
    );
  },
);
