import { Rng } from '../util/rng';

/** The fields of an image classification data set held as uint8 pixels. */
export interface ImageDatasetFields {
  images: Uint8Array; // [N, H, W, C]
  labels: Uint8Array | Int32Array; // [N], each in [0, classes.length)
  classes: string[]; // label -> class name
  height: number;
  width: number;
  channels: number;
  /** Where the data came from, e.g. `official binaries /…/cifar-10-binary.tar.gz (test)`. */
  source: string;
}

/** Images `[N, H, W, C]` uint8 with integer labels; validated on construction. */
export class ImageDataset implements ImageDatasetFields {
  readonly images: Uint8Array;
  readonly labels: Uint8Array | Int32Array;
  readonly classes: string[];
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly source: string;

  constructor(fields: ImageDatasetFields) {
    const { images, labels, classes, height, width, channels, source } = fields;
    for (const [name, v] of Object.entries({ height, width, channels })) {
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`ImageDataset ${name} must be a positive integer, got ${v}`);
    }
    const pixels = height * width * channels;
    if (images.length !== labels.length * pixels) {
      throw new RangeError(
        `ImageDataset from ${source}: images has ${images.length} bytes, expected ${labels.length} labels x ` +
          `${height}x${width}x${channels} = ${labels.length * pixels}`,
      );
    }
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes.length) {
        throw new RangeError(
          `ImageDataset from ${source}: label ${labels[i]} at index ${i} is outside [0, ${classes.length}) of its classes`,
        );
      }
    }
    this.images = images;
    this.labels = labels;
    this.classes = classes;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.source = source;
  }

  /** Number of images N. */
  get count(): number {
    return this.labels.length;
  }

  /** A new data set of the images at `indices`, in that order (copied, so it is contiguous). */
  subset(indices: ArrayLike<number>): ImageDataset {
    const pixels = this.height * this.width * this.channels;
    const images = new Uint8Array(indices.length * pixels);
    const labels = this.labels instanceof Uint8Array ? new Uint8Array(indices.length) : new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if (!Number.isInteger(i) || i < 0 || i >= this.count) {
        throw new RangeError(`subset index ${i} at position ${k} is outside [0, ${this.count}) of ${this.source}`);
      }
      images.set(this.images.subarray(i * pixels, (i + 1) * pixels), k * pixels);
      labels[k] = this.labels[i];
    }
    return new ImageDataset({ ...this.fields(), images, labels });
  }

  /** Images per class, indexed by label. */
  classCounts(): number[] {
    const counts = new Array<number>(this.classes.length).fill(0);
    for (const label of this.labels) counts[label]++;
    return counts;
  }

  private fields(): ImageDatasetFields {
    const { images, labels, classes, height, width, channels, source } = this;
    return { images, labels, classes, height, width, channels, source };
  }
}

/**
 * `perClass` images of every class drawn at random with `rng`, kept in their original order.
 * Throws if a class has fewer than `perClass` images.
 */
export function stratifiedSubset(dataset: ImageDataset, perClass: number, rng: Rng): ImageDataset {
  if (!Number.isInteger(perClass) || perClass < 1) {
    throw new RangeError(`stratifiedSubset perClass must be a positive integer, got ${perClass}`);
  }
  const byClass: number[][] = dataset.classes.map(() => []);
  for (let i = 0; i < dataset.count; i++) byClass[dataset.labels[i]].push(i);
  const chosen: number[] = [];
  byClass.forEach((indices, label) => {
    if (indices.length < perClass) {
      throw new RangeError(
        `stratifiedSubset: class '${dataset.classes[label]}' of ${dataset.source} has ${indices.length} images, ` +
          `fewer than the ${perClass} per class requested`,
      );
    }
    chosen.push(...rng.shuffle(indices).slice(0, perClass));
  });
  return dataset.subset(chosen.sort((a, b) => a - b));
}
