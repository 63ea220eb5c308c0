/** ReLU, the DNN's activation; reported to observers as a (non-spiking) activation. */
import * as tf from '@tensorflow/tfjs-core';
import { Module, ForwardPass } from '../snn/module';

export class ReLU extends Module {
  forward(x: tf.Tensor, pass: ForwardPass): tf.Tensor {
    const y = tf.relu(x);
    pass.observer?.activation?.(this.name, y, false, pass);
    return y;
  }

  outShape(inShape: readonly number[]): number[] {
    return [...inShape];
  }
}
