/**
 * The classifier: global average pooling over H and W, then a linear layer, at every step:
 * `[T*B, h, w, c]` -> `[T*B, classes]`. One weight layer whose MACs are c * classes per image per step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, Run, WeightLayer } from '../snn/module';
import { Rng } from '../util/rng';
import { checkChannels } from './conv';
import { uniformInit } from './init';

export class Classifier extends Module implements WeightLayer {
  readonly kind = 'linear';
  readonly role = 'classifier';
  readonly kernel = null;
  readonly stride = 1;
  readonly weight: tf.Variable; // [c, classes]
  readonly bias: tf.Variable; // [classes]

  constructor(
    name: string,
    readonly features: number,
    readonly classes: number,
    rng: Rng,
  ) {
    super(name);
    const bound = 1 / Math.sqrt(features); // PyTorch's nn.Linear default
    this.weight = this.variable('weight', uniformInit([features, classes], bound, rng), true);
    this.bias = this.variable('bias', uniformInit([classes], bound, rng), true);
  }

  forward(x: tf.Tensor, run: Run): tf.Tensor {
    checkChannels(this.name, x, this.features);
    const y = tf.tidy(() =>
      tf.add(tf.matMul(tf.mean(x, [1, 2]) as tf.Tensor2D, this.weight as tf.Tensor2D), this.bias),
    );
    run.observer?.weightLayer?.(this, x, y, run);
    return y;
  }

  outShape(): number[] {
    return [this.classes];
  }

  macs(): number {
    return this.features * this.classes;
  }
}
