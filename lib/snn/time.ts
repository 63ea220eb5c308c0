/**
 * Time folding, the one place that reshapes for time. A sequence lives time-major in the batch dimension,
 * `[T*B, ...]`: step t of sample b is row `t*B + b`, so convolutions and normalisation run once over all steps
 * and only the neuron loops over T.
 */
import * as tf from '@tensorflow/tfjs-core';

/** `[T, B, ...]` -> `[T*B, ...]`. */
export function foldTime(x: tf.Tensor): tf.Tensor {
  if (x.rank < 2) throw new RangeError(`foldTime expects [T, B, ...], got shape [${x.shape.join(', ')}]`);
  const [T, B, ...rest] = x.shape;
  return tf.reshape(x, [T * B, ...rest]);
}

/** `[T*B, ...]` -> `[T, B, ...]`. */
export function unfoldTime(x: tf.Tensor, T: number): tf.Tensor {
  const rows = x.shape[0];
  if (!Number.isInteger(T) || T < 1 || x.rank < 1 || rows % T !== 0) {
    throw new RangeError(`unfoldTime expects [T*B, ...] with T = ${T} dividing the rows, got shape [${x.shape.join(', ')}]`);
  }
  return tf.reshape(x, [T, rows / T, ...x.shape.slice(1)]);
}

/** The same `[B, ...]` at every step: `[T*B, ...]`. */
export function repeatTime(x: tf.Tensor, T: number): tf.Tensor {
  return tf.tidy(() => foldTime(tf.stack(new Array<tf.Tensor>(T).fill(x))));
}
