import { ImageDataset } from './dataset';

/** Per-channel mean and standard deviation of pixel/255; a batch holds `(pixel/255 - mean[c]) / std[c]`. */
export interface Normalization {
  mean: readonly number[]; // [C]
  std: readonly number[]; // [C]
}

/** CIFAR-10 training set, R G B (population std over all training pixels). */
export const CIFAR10_NORMALIZATION: Normalization = Object.freeze({
  mean: Object.freeze([0.4914, 0.4822, 0.4465]),
  std: Object.freeze([0.247, 0.2435, 0.2616]),
});

/** CIFAR-100 training set, R G B. */
export const CIFAR100_NORMALIZATION: Normalization = Object.freeze({
  mean: Object.freeze([0.5071, 0.4865, 0.4409]),
  std: Object.freeze([0.2673, 0.2564, 0.2762]),
});

/** Mean and population standard deviation of pixel/255 per channel over every image of the data set. */
export function channelMeanStd(dataset: ImageDataset): Normalization {
  const c = dataset.channels;
  const sum = new Float64Array(c);
  const sumSq = new Float64Array(c);
  const { images } = dataset;
  for (let i = 0; i < images.length; i++) {
    const v = images[i];
    sum[i % c] += v;
    sumSq[i % c] += v * v;
  }
  const n = images.length / c;
  const mean = Array.from(sum, (s) => s / n / 255);
  const std = Array.from(sumSq, (s, k) => Math.sqrt(Math.max(0, s / n / 65025 - mean[k] * mean[k])));
  return { mean, std };
}
