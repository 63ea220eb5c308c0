/** Weight initialisers drawing from an `Rng`, so a model's weights are fixed by its seed on any backend. */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../util/rng';

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** N(0, std^2) (Kaiming normal with std = sqrt(2 / fan)); Box-Muller, both values of each pair used. */
export function normalInit(shape: number[], std: number, rng: Rng): tf.Tensor {
  const values = new Float32Array(size(shape));
  for (let i = 0; i < values.length; i += 2) {
    const r = std * Math.sqrt(-2 * Math.log(1 - rng.next()));
    const angle = 2 * Math.PI * rng.next();
    values[i] = r * Math.cos(angle);
    if (i + 1 < values.length) values[i + 1] = r * Math.sin(angle);
  }
  return tf.tensor(values, shape);
}

/** U(-bound, bound) (PyTorch's default for a linear layer: bound = 1 / sqrt(fanIn)). */
export function uniformInit(shape: number[], bound: number, rng: Rng): tf.Tensor {
  const values = new Float32Array(size(shape));
  for (let i = 0; i < values.length; i++) values[i] = (2 * rng.next() - 1) * bound;
  return tf.tensor(values, shape);
}
