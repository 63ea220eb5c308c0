/**
 * What the trainer reads: a labelled set that turns index batches into input tensors. Image data sets
 * and event-frame data sets each provide one, so the loop does not care which it trains on.
 */
import * as tf from '@tensorflow/tfjs-core';
import { imageBatch, type ImageDataset, type Normalization } from '../data';
import { Rng } from '../util/rng';

export interface LabelledSource {
  /** Where the examples came from (data set, split, subset), for results and labels. */
  readonly description: string;
  readonly count: number;
  readonly classes: number;
  /** Inputs for the model (`[B, H, W, C]` images) and int32 labels `[B]`; augmented when `rng` is given. */
  batch(indices: ArrayLike<number>, rng?: Rng): { x: tf.Tensor; labels: tf.Tensor1D };
}

/** CIFAR-style augmentation (4-pixel padded random crop and horizontal flip) on training batches only. */
export function imageSource(
  dataset: ImageDataset,
  normalization: Normalization,
  description = dataset.source,
): LabelledSource {
  return {
    description,
    count: dataset.count,
    classes: dataset.classes.length,
    batch(indices, rng) {
      const { images, labels } = imageBatch(dataset, indices, {
        normalization,
        augment: rng ? { rng, cropPaddingPx: 4, flip: true } : undefined,
      });
      return { x: images, labels };
    },
  };
}
