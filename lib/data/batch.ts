import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../util/rng';
import { ImageDataset } from './dataset';
import { Normalization } from './normalization';

/**
 * Standard CIFAR training augmentation, drawn per image from `rng`: a random crop of the image padded
 * with `cropPaddingPx` zero pixels on every side (a shift by dy, dx in [-p, p], uncovered pixels 0 before
 * normalisation, as torchvision's RandomCrop(padding=p)), then a horizontal flip with probability 1/2.
 */
export interface Augmentation {
  rng: Rng;
  cropPaddingPx: number; // 0 for no crop; 4 for CIFAR
  flip: boolean;
}

export interface BatchOptions {
  normalization: Normalization;
  /** Omit for evaluation batches (no augmentation). */
  augment?: Augmentation;
}

export interface ImageBatch {
  images: tf.Tensor4D; // [B, H, W, C] float32, normalised
  labels: tf.Tensor1D; // [B] int32
}

/**
 * The images at `indices` as one normalised float32 tensor plus their int32 labels, augmented in JS on the
 * uint8 pixels when `options.augment` is given. The caller disposes both tensors.
 */
export function imageBatch(dataset: ImageDataset, indices: ArrayLike<number>, options: BatchOptions): ImageBatch {
  const { height: h, width: w, channels: c } = dataset;
  const { augment } = options;
  const lookup = normalizationLookup(options.normalization, dataset);
  const pad = augment?.cropPaddingPx ?? 0;
  if (!Number.isInteger(pad) || pad < 0) throw new RangeError(`cropPaddingPx must be an integer >= 0, got ${pad}`);
  const b = indices.length;
  const out = new Float32Array(b * h * w * c); // [B, H, W, C]
  const labels = new Int32Array(b);
  for (let k = 0; k < b; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= dataset.count) {
      throw new RangeError(
        `imageBatch index ${i} at position ${k} is outside [0, ${dataset.count}) of ${dataset.source}`,
      );
    }
    labels[k] = dataset.labels[i];
    const shift = augment === undefined ? { dy: 0, dx: 0, flip: false } : drawShift(augment, pad);
    writeShifted(dataset, i, shift, lookup, out, k);
  }
  return { images: tf.tensor4d(out, [b, h, w, c], 'float32'), labels: tf.tensor1d(labels, 'int32') };
}

/** `value[ch * 256 + pixel] = (pixel / 255 - mean[ch]) / std[ch]`, for the data set's channels. */
function normalizationLookup(normalization: Normalization, dataset: ImageDataset): Float32Array {
  const c = dataset.channels;
  if (normalization.mean.length !== c || normalization.std.length !== c) {
    throw new RangeError(
      `imageBatch: normalization has ${normalization.mean.length} means and ${normalization.std.length} stds, ` +
        `expected ${c} of each for the ${c} channels of ${dataset.source}`,
    );
  }
  const lookup = new Float32Array(c * 256);
  for (let ch = 0; ch < c; ch++) {
    for (let p = 0; p < 256; p++) lookup[ch * 256 + p] = (p / 255 - normalization.mean[ch]) / normalization.std[ch];
  }
  return lookup;
}

/** One image's crop shift (dy, dx in [-pad, pad]) and flip, drawn from the augmentation's generator in that order. */
function drawShift(augment: Augmentation, pad: number): { dy: number; dx: number; flip: boolean } {
  const dy = augment.rng.int(2 * pad + 1) - pad;
  const dx = augment.rng.int(2 * pad + 1) - pad;
  return { dy, dx, flip: augment.flip && augment.rng.next() < 0.5 };
}

/** Image `i`, shifted and flipped, normalised through `lookup` into slot `k` of `out`. */
function writeShifted(
  dataset: ImageDataset,
  i: number,
  { dy, dx, flip }: { dy: number; dx: number; flip: boolean },
  lookup: Float32Array,
  out: Float32Array,
  k: number,
): void {
  const { height: h, width: w, channels: c, images } = dataset;
  const imageSize = h * w * c;
  // out(y, x) = in(y + dy, x' + dx) with x' = flip ? w-1-x : x; zero where that falls outside the image.
  const src = i * imageSize;
  let o = k * imageSize;
  for (let y = 0; y < h; y++) {
    const sy = y + dy;
    for (let x = 0; x < w; x++) {
      const sx = (flip ? w - 1 - x : x) + dx;
      const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
      const s = src + (sy * w + sx) * c;
      for (let ch = 0; ch < c; ch++) out[o++] = lookup[ch * 256 + (inside ? images[s + ch] : 0)];
    }
  }
}

export interface EpochOptions {
  /** Shuffle the order with this generator; omit to keep 0..count-1 in order (evaluation). */
  rng?: Rng;
  /** Drop a last batch smaller than `batchSize` (default false). */
  dropLast?: boolean;
}

/** The indices 0..count-1, shuffled when `rng` is given, cut into batches of `batchSize`. */
export function* epochBatches(count: number, batchSize: number, options: EpochOptions = {}): Generator<Int32Array> {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`epochBatches count must be an integer >= 0, got ${count}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`epochBatches batchSize must be a positive integer, got ${batchSize}`);
  }
  const order = Array.from({ length: count }, (_, i) => i);
  if (options.rng !== undefined) options.rng.shuffle(order);
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(start + batchSize, count);
    if (end - start < batchSize && options.dropLast) return;
    yield Int32Array.from(order.slice(start, end));
  }
}
