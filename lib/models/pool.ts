/**
 * 2x2 max pooling, stride 2. On spikes it is an OR over the window, so its output is spikes again: it is
 * reported to observers as a spike layer of its own (the input of the next conv, and what a split point after
 * it transmits).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, Run } from '../snn/module';

export class MaxPool2d extends Module {
  constructor(
    name: string,
    readonly spiking: boolean,
  ) {
    super(name);
  }

  forward(x: tf.Tensor, run: Run): tf.Tensor {
    const y = tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid');
    run.observer?.activation?.(this.name, y, this.spiking, run);
    return y;
  }

  outShape([h, w, c]: readonly number[]): number[] {
    return [Math.floor(h / 2), Math.floor(w / 2), c];
  }
}
