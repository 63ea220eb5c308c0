/** Per-step logits of a whole labelled set in inference, batch by batch in order: what early exit is measured on. */
import * as tf from '@tensorflow/tfjs-core';
import { epochBatches } from '../data';
import type { ForwardContext, ForwardObserver } from '../snn/module';
import type { LabelledSource } from '../train/source';

/** A model that gives its logits per time step, `[T, B, classes]`. */
export interface StepLogitModel {
  forwardSteps(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor;
}

/** Per-step logits `[T, N, classes]` and labels `[N]` of all of `source`, in its order; `observer` sees every pass. */
export function stepLogits(
  model: StepLogitModel,
  source: LabelledSource,
  batchSize: number,
  observer?: ForwardObserver,
): { steps: tf.Tensor; labels: tf.Tensor1D } {
  const steps: tf.Tensor[] = [];
  const labels: tf.Tensor1D[] = [];
  for (const indices of epochBatches(source.count, batchSize)) {
    tf.tidy(() => {
      const batch = source.batch(indices);
      steps.push(tf.keep(model.forwardSteps(batch.x, { training: false, observer })));
      labels.push(tf.keep(batch.labels));
    });
  }
  const out = { steps: tf.concat(steps, 1), labels: tf.concat(labels) };
  tf.dispose([...steps, ...labels]);
  return out;
}
