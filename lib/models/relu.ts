/** ReLU, the DNN's activation; reported to observers as a (non-spiking) activation. */
import * as tf from '@tensorflow/tfjs-core';
import { Module, Run } from '../snn/module';

export class ReLU extends Module {
  forward(x: tf.Tensor, run: Run): tf.Tensor {
    const y = tf.relu(x);
    run.observer?.activation?.(this.name, y, false, run);
    return y;
  }

  outShape(inShape: readonly number[]): number[] {
    return [...inShape];
  }
}
