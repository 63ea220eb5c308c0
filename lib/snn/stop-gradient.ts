/** tfjs has no stopGradient: this identity passes values through and sends a zero gradient back. */
import * as tf from '@tensorflow/tfjs-core';

export const stopGradient = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as (x: tf.Tensor) => tf.Tensor;
