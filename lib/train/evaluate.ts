/** Loss and accuracy: cross-entropy on the time-averaged logits, as the paper trains and tests. */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from '../snn/module';
import { epochBatches } from '../data';
import type { LabelledSource } from './source';

/** What the trainer and the evaluator run: a backbone, or a backbone with a bottleneck at a split point. */
export interface LogitModel {
  forward(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor; // logits [B, classes], averaged over T
}

/** Mean softmax cross-entropy of logits `[B, classes]` against int32 labels `[B]`. */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[logits.rank - 1];
    return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, classes), logits as tf.Tensor2D) as tf.Scalar;
  });
}

/** Number of rows whose arg-max equals the label. */
export function correctCount(logits: tf.Tensor, labels: tf.Tensor1D): number {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'int32')).dataSync()[0]);
}

export interface Evaluation {
  loss: number;
  accuracy: number; // fraction in [0, 1]
  count: number;
}

/** Inference-mode loss and accuracy over a whole source, in batches. `ctx` may carry an observer. */
export function evaluate(model: LogitModel, source: LabelledSource, batchSize: number, ctx: ForwardContext = {}): Evaluation {
  let lossSum = 0, correct = 0;
  for (const indices of epochBatches(source.count, batchSize)) {
    tf.tidy(() => {
      const { x, labels } = source.batch(indices);
      const logits = model.forward(x, { ...ctx, training: false });
      lossSum += crossEntropy(logits, labels).dataSync()[0] * indices.length;
      correct += correctCount(logits, labels);
    });
  }
  return { loss: lossSum / source.count, accuracy: correct / source.count, count: source.count };
}
