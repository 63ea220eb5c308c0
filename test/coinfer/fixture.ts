/** A small split model shared by the co-inference tests: spiking ResNet-18 at width 1/16, T = 2, bottleneck at RB2. */
import * as tf from '@tensorflow/tfjs-core';
import { insertBottleneck, spikingResNet18, split, type BottleneckedModel, type DevicePart, type ServerPart } from 'spikesplit';

export const TOKEN = 'test-token';
export const SPLIT_POINT = 'RB2';

export interface SmallSplitModel {
  model: BottleneckedModel;
  /** Frees the backbone and the bottleneck. */
  dispose(): void;
  device: DevicePart;
  server: ServerPart;
  /** A batch of 2 images [2, 32, 32, 3] the model fires on. */
  x: tf.Tensor;
}

export function smallSplitModel(): SmallSplitModel {
  const backbone = spikingResNet18({ width: 1 / 16, T: 2, classes: 10, seed: 3, momentum: 1 });
  const model = insertBottleneck(backbone, SPLIT_POINT, { channels: 2 }, { seed: 7, momentum: 1 });
  const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 11);
  // running statistics from this batch (momentum 1), so the untrained network fires in inference mode
  model.forward(x, { training: true }).dispose();
  const dispose = () => {
    model.dispose();
    backbone.dispose();
    x.dispose();
  };
  return { model, dispose, ...split(model, SPLIT_POINT), x };
}

/** The joint model's logits as rows, computed in-process: the truth the networked runs are checked against. */
export function jointLogits(model: BottleneckedModel, x: tf.Tensor): number[][] {
  const logits = model.forward(x);
  try {
    return logits.arraySync() as number[][];
  } finally {
    logits.dispose();
  }
}
