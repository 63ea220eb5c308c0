import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ImageDataset } from './dataset';
import { readTar } from './tar';
import { FileError } from '../util/file-error';

/**
 * The official CIFAR binary record layouts (https://www.cs.toronto.edu/~kriz/cifar.html):
 *   CIFAR-10:  <1 x label><3072 x pixel>
 *   CIFAR-100: <1 x coarse label><1 x fine label><3072 x pixel>
 * with the pixels channel-planar (1024 red, then 1024 green, then 1024 blue), each plane 32x32 row-major.
 * Files: cifar-10-batches-bin/data_batch_1..5.bin, test_batch.bin; cifar-100-binary/train.bin, test.bin.
 */

/** CIFAR-10 class names in label order (batches.meta.txt). */
export const CIFAR10_CLASSES: readonly string[] = Object.freeze([
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
]);

/** CIFAR-100 fine class names in label order (fine_label_names.txt). */
export const CIFAR100_FINE_CLASSES: readonly string[] = Object.freeze([
  'apple',
  'aquarium_fish',
  'baby',
  'bear',
  'beaver',
  'bed',
  'bee',
  'beetle',
  'bicycle',
  'bottle',
  'bowl',
  'boy',
  'bridge',
  'bus',
  'butterfly',
  'camel',
  'can',
  'castle',
  'caterpillar',
  'cattle',
  'chair',
  'chimpanzee',
  'clock',
  'cloud',
  'cockroach',
  'couch',
  'crab',
  'crocodile',
  'cup',
  'dinosaur',
  'dolphin',
  'elephant',
  'flatfish',
  'forest',
  'fox',
  'girl',
  'hamster',
  'house',
  'kangaroo',
  'keyboard',
  'lamp',
  'lawn_mower',
  'leopard',
  'lion',
  'lizard',
  'lobster',
  'man',
  'maple_tree',
  'motorcycle',
  'mountain',
  'mouse',
  'mushroom',
  'oak_tree',
  'orange',
  'orchid',
  'otter',
  'palm_tree',
  'pear',
  'pickup_truck',
  'pine_tree',
  'plain',
  'plate',
  'poppy',
  'porcupine',
  'possum',
  'rabbit',
  'raccoon',
  'ray',
  'road',
  'rocket',
  'rose',
  'sea',
  'seal',
  'shark',
  'shrew',
  'skunk',
  'skyscraper',
  'snail',
  'snake',
  'spider',
  'squirrel',
  'streetcar',
  'sunflower',
  'sweet_pepper',
  'table',
  'tank',
  'telephone',
  'television',
  'tiger',
  'tractor',
  'train',
  'trout',
  'tulip',
  'turtle',
  'wardrobe',
  'whale',
  'willow_tree',
  'wolf',
  'woman',
  'worm',
]);

/** CIFAR-100 coarse (superclass) names in label order (coarse_label_names.txt). */
export const CIFAR100_COARSE_CLASSES: readonly string[] = Object.freeze([
  'aquatic_mammals',
  'fish',
  'flowers',
  'food_containers',
  'fruit_and_vegetables',
  'household_electrical_devices',
  'household_furniture',
  'insects',
  'large_carnivores',
  'large_man-made_outdoor_things',
  'large_natural_outdoor_scenes',
  'large_omnivores_and_herbivores',
  'medium_mammals',
  'non-insect_invertebrates',
  'people',
  'reptiles',
  'small_mammals',
  'trees',
  'vehicles_1',
  'vehicles_2',
]);

export type CifarVariant = 'cifar10' | 'cifar100';
export type CifarSplit = 'train' | 'test';

export interface CifarFormat {
  variant: CifarVariant;
  /** CIFAR-100 only: which of the two labels to keep (default fine). */
  labels?: 'fine' | 'coarse';
}

const SIDE = 32;
const PLANE = SIDE * SIDE; // 1024
const PIXELS = 3 * PLANE; // 3072

/** File names of one split, in the order their records are concatenated. */
function cifarBatchFiles(variant: CifarVariant, split: CifarSplit): string[] {
  if (variant === 'cifar10') {
    return split === 'train' ? [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`) : ['test_batch.bin'];
  }
  return [`${split}.bin`];
}

/**
 * Images `[N, 32, 32, 3]` and labels from the concatenated records of `batches` (each the bytes of one
 * batch file, named by `files[k]`). `source` names where they came from, for the data set. A batch of the
 * wrong size, or two identical batches (the same file twice), is a FileError naming the file(s).
 */
export function parseCifarRecords(
  batches: Uint8Array[],
  format: CifarFormat,
  source: string,
  files: string[] = batches.map((_, k) => `${source}: batch ${k}`),
): ImageDataset {
  const { labelBytes, labelOffset, classes } = layout(format);
  const recordBytes = labelBytes + PIXELS;
  let count = 0;
  const seen = new Map<string, string>();
  for (const [k, batch] of batches.entries()) {
    const digest = createHash('sha256').update(batch).digest('hex');
    const same = seen.get(digest);
    if (same !== undefined)
      throw new FileError(files[k], `${files[k]} is byte for byte the same as ${same}; expected distinct batch files`);
    seen.set(digest, files[k]);
    if (batch.length % recordBytes !== 0) {
      throw new FileError(
        files[k],
        `${files[k]} has ${batch.length} bytes, expected a multiple of ${recordBytes} ` +
          `(${labelBytes} label byte${labelBytes > 1 ? 's' : ''} + ${PIXELS} pixel bytes per ${format.variant} record)`,
      );
    }
    count += batch.length / recordBytes;
  }
  const images = new Uint8Array(count * PIXELS); // [N, 32, 32, 3]
  const labels = new Uint8Array(count);
  let n = 0;
  for (const batch of batches) {
    for (let r = 0; r < batch.length; r += recordBytes, n++) {
      labels[n] = batch[r + labelOffset];
      if (labels[n] >= classes.length) {
        throw new RangeError(
          `${source}: record ${n} has label ${labels[n]}, expected < ${classes.length} for ${format.variant}` +
            (format.variant === 'cifar100' ? ` ${format.labels ?? 'fine'} labels` : ''),
        );
      }
      const planes = r + labelBytes;
      const out = n * PIXELS;
      for (let p = 0; p < PLANE; p++) {
        images[out + 3 * p] = batch[planes + p];
        images[out + 3 * p + 1] = batch[planes + PLANE + p];
        images[out + 3 * p + 2] = batch[planes + 2 * PLANE + p];
      }
    }
  }
  return new ImageDataset({ images, labels, classes: [...classes], height: SIDE, width: SIDE, channels: 3, source });
}

/** The data set as CIFAR-10 binary records (the inverse of `parseCifarRecords` for `cifar10`). */
export function encodeCifar10Records(dataset: ImageDataset): Uint8Array {
  if (dataset.height !== SIDE || dataset.width !== SIDE || dataset.channels !== 3 || dataset.classes.length > 256) {
    throw new RangeError(
      `encodeCifar10Records: ${dataset.source} is ${dataset.height}x${dataset.width}x${dataset.channels} with ` +
        `${dataset.classes.length} classes, expected 32x32x3 with at most 256 classes`,
    );
  }
  const recordBytes = 1 + PIXELS;
  const out = new Uint8Array(dataset.count * recordBytes);
  for (let n = 0; n < dataset.count; n++) {
    const r = n * recordBytes;
    out[r] = dataset.labels[n];
    const src = n * PIXELS;
    for (let p = 0; p < PLANE; p++) {
      out[r + 1 + p] = dataset.images[src + 3 * p];
      out[r + 1 + PLANE + p] = dataset.images[src + 3 * p + 1];
      out[r + 1 + 2 * PLANE + p] = dataset.images[src + 3 * p + 2];
    }
  }
  return out;
}

/**
 * One split of an official binary release, from its tarball (`cifar-10-binary.tar.gz`, read without
 * unpacking) or from the folder it unpacks to (`cifar-10-batches-bin/`). No checksum is verified here.
 */
export async function readCifarBinary(
  location: string,
  options: CifarFormat & { split: CifarSplit },
): Promise<ImageDataset> {
  const names = cifarBatchFiles(options.variant, options.split);
  const others = cifarBatchFiles(options.variant, options.split === 'train' ? 'test' : 'train'); // the other split's files, hashed to catch a copy
  const found = new Map<string, Uint8Array>();
  const otherDigests = new Map<string, string>();
  const isDirectory = fs.statSync(location).isDirectory();
  const fileName = (n: string) => (isDirectory ? path.join(location, n) : `${location}: ${n}`);
  const take = (name: string, data: Uint8Array) => {
    if (names.includes(name)) found.set(name, data);
    else otherDigests.set(createHash('sha256').update(data).digest('hex'), name);
  };
  if (isDirectory) {
    for (const name of [...names, ...others]) {
      const file = path.join(location, name);
      if (fs.existsSync(file)) take(name, fs.readFileSync(file));
    }
  } else {
    const wanted = (p: string) => [...names, ...others].includes(p.slice(p.lastIndexOf('/') + 1));
    for await (const member of readTar(location, wanted)) take(path.posix.basename(member.path), member.data);
  }
  const missing = names.filter((n) => !found.has(n));
  if (missing.length > 0) {
    throw new FileError(
      location,
      `${location} lacks ${missing.join(', ')}; expected the official ${options.variant} binary release`,
    );
  }
  const source = `official ${options.variant} binaries ${location} (${options.split})`;
  const dataset = parseCifarRecords(
    names.map((n) => found.get(n)!),
    options,
    source,
    names.map(fileName),
  );
  for (const name of names) {
    const copy = otherDigests.get(createHash('sha256').update(found.get(name)!).digest('hex'));
    if (copy !== undefined)
      throw new FileError(
        fileName(name),
        `${fileName(name)} is byte for byte the same as ${fileName(copy)}: the ${options.split} split would overlap the other one`,
      );
  }
  return dataset;
}

function layout(format: CifarFormat): { labelBytes: number; labelOffset: number; classes: readonly string[] } {
  if (format.variant === 'cifar10') {
    if (format.labels !== undefined) {
      throw new RangeError(
        `CIFAR-10 has a single label per record; labels: '${format.labels}' applies to cifar100 only`,
      );
    }
    return { labelBytes: 1, labelOffset: 0, classes: CIFAR10_CLASSES };
  }
  if (format.variant !== 'cifar100')
    throw new RangeError(`unknown CIFAR variant '${format.variant}', expected cifar10 or cifar100`);
  const coarse = format.labels === 'coarse';
  return {
    labelBytes: 2,
    labelOffset: coarse ? 0 : 1,
    classes: coarse ? CIFAR100_COARSE_CLASSES : CIFAR100_FINE_CLASSES,
  };
}
