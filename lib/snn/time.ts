/**
 * Time folding, the one place that reshapes for time. A sequence lives time-major in the batch dimension,
 * `[T*B, ...]`: step t of sample b is row `t*B + b`, so convolutions and normalisation run once over all steps
 * and only the neuron loops over T. The same layout on flat arrays (read back from a tensor, or built before
 * one is made): `timeMajorRow` names a row, `interleaveSample` and `deinterleaveSample` copy one sample's steps
 * `[T, ...]` into and out of a batch `[T*B, ...]`.
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
    throw new RangeError(
      `unfoldTime expects [T*B, ...] with T = ${T} dividing the rows, got shape [${x.shape.join(', ')}]`,
    );
  }
  return tf.reshape(x, [T, rows / T, ...x.shape.slice(1)]);
}

/** The same `[B, ...]` at every step: `[T*B, ...]`. */
export function repeatTime(x: tf.Tensor, T: number): tf.Tensor {
  return tf.tidy(() => foldTime(tf.stack(new Array<tf.Tensor>(T).fill(x))));
}

/** A flat typed array of values, as `dataSync` returns or a tensor is made from. */
export type FlatArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** The row of step t of sample b in a time-major batch of B samples, `[T*B, ...]`: `t*B + b`. */
export function timeMajorRow(t: number, b: number, B: number): number {
  return t * B + b;
}

/** Values per step of one sample, after checking that `sample` `[T, ...]` is sample b of `batch` `[T*B, ...]`. */
function stepSize(what: string, batch: FlatArray, sample: FlatArray, b: number, B: number, T: number): number {
  const size = sample.length / T;
  const wholeSteps = Number.isInteger(T) && T >= 1 && Number.isInteger(size);
  const inBatch = Number.isInteger(b) && b >= 0 && b < B && batch.length === B * sample.length;
  if (!(wholeSteps && inBatch)) {
    throw new RangeError(
      `${what} expects sample b in [0, B) as [T, ...] and the batch as [T*B, ...] with T = ${T}, B = ${B}; got b = ${b}, a sample of ${sample.length} values and a batch of ${batch.length}`,
    );
  }
  return size;
}

/** Copies sample b's T steps `[T, ...]` into rows `t*B + b` of the time-major `batch` `[T*B, ...]`; returns it. */
export function interleaveSample<A extends FlatArray>(batch: A, sample: FlatArray, b: number, B: number, T: number): A {
  const size = stepSize('interleaveSample', batch, sample, b, B, T);
  for (let t = 0; t < T; t++) batch.set(sample.subarray(t * size, (t + 1) * size), timeMajorRow(t, b, B) * size);
  return batch;
}

/** Copies rows `t*B + b` of the time-major `batch` `[T*B, ...]` into sample b's steps `[T, ...]`; returns `sample`. */
export function deinterleaveSample<A extends FlatArray>(
  batch: FlatArray,
  sample: A,
  b: number,
  B: number,
  T: number,
): A {
  const size = stepSize('deinterleaveSample', batch, sample, b, B, T);
  for (let t = 0; t < T; t++) {
    const row = timeMajorRow(t, b, B);
    sample.set(batch.subarray(row * size, (row + 1) * size), t * size);
  }
  return sample;
}
