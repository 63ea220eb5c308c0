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

/** Per row, 1 when its arg-max equals the label, else 0. */
export function correctMask(logits: tf.Tensor, labels: tf.Tensor1D): Uint8Array {
  return new Uint8Array(
    tf.tidy(() => tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'int32')).dataSync() as Int32Array,
  );
}

export interface Evaluation {
  loss: number;
  accuracy: number; // fraction in [0, 1]
  count: number;
  /** Per test sample in the source's order: 1 when classified correctly (for paired statistics). */
  correct: Uint8Array;
}

/** Inference-mode loss and accuracy over a whole source, in batches. `ctx` may carry an observer. */
export function evaluate(
  model: LogitModel,
  source: LabelledSource,
  batchSize: number,
  ctx: ForwardContext = {},
): Evaluation {
  let lossSum = 0,
    correctSum = 0;
  const correct = new Uint8Array(source.count);
  for (const indices of epochBatches(source.count, batchSize)) {
    tf.tidy(() => {
      const { x, labels } = source.batch(indices);
      const logits = model.forward(x, { ...ctx, training: false });
      lossSum += crossEntropy(logits, labels).dataSync()[0] * indices.length;
      correctMask(logits, labels).forEach((c, k) => {
        correct[indices[k]] = c;
        correctSum += c;
      });
    });
  }
  return { loss: lossSum / source.count, accuracy: correctSum / source.count, count: source.count, correct };
}
