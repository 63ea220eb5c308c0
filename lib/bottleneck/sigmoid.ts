/** The logistic sigmoid, BottleNet++'s encoder activation: features in (0, 1) for the quantiser. */
import * as tf from '@tensorflow/tfjs-core';
import { Module, Run } from '../snn/module';

export class Sigmoid extends Module {
  forward(x: tf.Tensor, run: Run): tf.Tensor {
    const y = tf.sigmoid(x);
    run.observer?.activation?.(this.name, y, false, run);
    return y;
  }

  outShape(inShape: readonly number[]): number[] {
    return [...inShape];
  }
}
