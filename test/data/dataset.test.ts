import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  channelMeanStd,
  CIFAR10_NORMALIZATION,
  epochBatches,
  imageBatch,
  ImageDataset,
  Normalization,
  Rng,
  stratifiedSubset,
} from 'spikesplit';

before(async () => {
  await tf.setBackend('cpu');
});

/** N random 6x8 RGB images (H=6, W=8), labels i % classes. */
function randomDataset(n: number, classes: number, seed = 3): ImageDataset {
  const rng = new Rng(seed);
  return new ImageDataset({
    images: Uint8Array.from({ length: n * 6 * 8 * 3 }, () => rng.int(256)),
    labels: Uint8Array.from({ length: n }, (_, i) => i % classes),
    classes: Array.from({ length: classes }, (_, k) => `c${k}`),
    height: 6,
    width: 8,
    channels: 3,
    source: 'test',
  });
}

/** Pixel (y, x, c) of image i, or 0 outside the image. */
const at = (ds: ImageDataset, i: number, y: number, x: number, c: number) =>
  y < 0 || y >= ds.height || x < 0 || x >= ds.width
    ? 0
    : ds.images[((i * ds.height + y) * ds.width + x) * ds.channels + c];

const UNIT: Normalization = { mean: [0, 0, 0], std: [1, 1, 1] }; // batch value = pixel / 255

test('ImageDataset refuses inconsistent fields', () => {
  const base = { classes: ['a', 'b'], height: 2, width: 2, channels: 1, source: 'hand' };
  assert.throws(
    () => new ImageDataset({ ...base, images: new Uint8Array(7), labels: new Uint8Array(2) }),
    /7 bytes, expected 2 labels x 2x2x1 = 8/,
  );
  assert.throws(
    () => new ImageDataset({ ...base, images: new Uint8Array(4), labels: Uint8Array.of(2) }),
    /label 2 at index 0 is outside \[0, 2\)/,
  );
  assert.throws(
    () => new ImageDataset({ ...base, height: 0, images: new Uint8Array(0), labels: new Uint8Array(0) }),
    /height must be a positive integer/,
  );
});

test('subset copies the chosen images and labels in the given order', () => {
  const ds = randomDataset(5, 3);
  const sub = ds.subset([4, 0, 4]);
  assert.equal(sub.count, 3);
  assert.deepEqual(Array.from(sub.labels), [1, 0, 1]);
  const size = 6 * 8 * 3;
  assert.deepEqual(sub.images.subarray(0, size), ds.images.subarray(4 * size, 5 * size));
  assert.deepEqual(sub.images.subarray(size, 2 * size), ds.images.subarray(0, size));
  assert.throws(() => ds.subset([5]), /subset index 5 at position 0 is outside \[0, 5\)/);
});

test('stratifiedSubset takes k of each class, reproducibly from the seed', () => {
  const ds = randomDataset(60, 4); // 15 per class
  const a = stratifiedSubset(ds, 5, new Rng(11));
  assert.deepEqual(a.classCounts(), [5, 5, 5, 5]);
  assert.deepEqual(stratifiedSubset(ds, 5, new Rng(11)).images, a.images);
  assert.notDeepEqual(stratifiedSubset(ds, 5, new Rng(12)).images, a.images);
  assert.throws(
    () => stratifiedSubset(ds, 16, new Rng(1)),
    /class 'c0' of test has 15 images, fewer than the 16 per class/,
  );
});

test('channelMeanStd matches a hand computation', () => {
  // Two 1x1 images: (0, 255, 51) and (255, 255, 102).
  const ds = new ImageDataset({
    images: Uint8Array.of(0, 255, 51, 255, 255, 102),
    labels: Uint8Array.of(0, 0),
    classes: ['only'],
    height: 1,
    width: 1,
    channels: 3,
    source: 'hand',
  });
  const { mean, std } = channelMeanStd(ds);
  [0.5, 1, 0.3].forEach((m, c) => assert.ok(Math.abs(mean[c] - m) < 1e-12, `mean ${c}`));
  [0.5, 0, 0.1].forEach((s, c) => assert.ok(Math.abs(std[c] - s) < 1e-12, `std ${c}`));
});

test('imageBatch normalises per channel with the CIFAR-10 constants and gives int32 labels', () => {
  const ds = randomDataset(4, 3);
  const { images, labels } = imageBatch(ds, [2, 0], { normalization: CIFAR10_NORMALIZATION });
  assert.deepEqual(images.shape, [2, 6, 8, 3]);
  assert.equal(images.dtype, 'float32');
  assert.equal(labels.dtype, 'int32');
  assert.deepEqual(Array.from(labels.dataSync()), [2, 0]);
  const v = images.dataSync();
  const mean = [0.4914, 0.4822, 0.4465];
  const std = [0.247, 0.2435, 0.2616];
  [2, 0].forEach((i, b) => {
    for (let y = 0; y < 6; y++) {
      for (let x = 0; x < 8; x++) {
        for (let c = 0; c < 3; c++) {
          const expected = (at(ds, i, y, x, c) / 255 - mean[c]) / std[c];
          const got = v[((b * 6 + y) * 8 + x) * 3 + c];
          if (Math.abs(got - expected) > 1e-5) assert.fail(`(${b},${y},${x},${c}) is ${got}, expected ${expected}`);
        }
      }
    }
  });
  tf.dispose([images, labels]);
});

/** The 16 augmented copies of image 0 as pixel values (rounded back from pixel/255). */
function augmentedCopies(ds: ImageDataset, cropPaddingPx: number, flip: boolean, seed: number): number[][] {
  const { images, labels } = imageBatch(ds, new Array(16).fill(0), {
    normalization: UNIT,
    augment: { rng: new Rng(seed), cropPaddingPx, flip },
  });
  const v = images.dataSync();
  tf.dispose([images, labels]);
  const size = 6 * 8 * 3;
  return Array.from({ length: 16 }, (_, k) =>
    Array.from(v.subarray(k * size, (k + 1) * size), (p) => Math.round(p * 255)),
  );
}

/** Image 0 shifted by (dy, dx), optionally mirrored, with zeros where the shift uncovers pixels. */
function expectedView(ds: ImageDataset, dy: number, dx: number, mirror: boolean): number[] {
  const out: number[] = [];
  for (let y = 0; y < 6; y++) {
    for (let x = 0; x < 8; x++) {
      for (let c = 0; c < 3; c++) out.push(at(ds, 0, y + dy, (mirror ? 7 - x : x) + dx, c));
    }
  }
  return out;
}

test('flip augmentation gives either the image or its exact mirror, both occurring', () => {
  const ds = randomDataset(1, 1);
  const original = JSON.stringify(expectedView(ds, 0, 0, false));
  const mirror = JSON.stringify(expectedView(ds, 0, 0, true));
  const seen = augmentedCopies(ds, 0, true, 5).map((img) => JSON.stringify(img));
  assert.ok(seen.every((s) => s === original || s === mirror));
  assert.ok(seen.includes(original) && seen.includes(mirror));
});

test('crop augmentation is a shift within the padding with zero fill', () => {
  const ds = randomDataset(1, 1);
  const shifts = new Set<string>();
  for (const img of augmentedCopies(ds, 4, false, 9)) {
    const match = [];
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++)
        if (JSON.stringify(expectedView(ds, dy, dx, false)) === JSON.stringify(img)) match.push(`${dy},${dx}`);
    }
    assert.equal(match.length, 1, 'each copy is exactly one shift of the original');
    shifts.add(match[0]);
  }
  assert.ok(shifts.size > 4, `shifts vary (${[...shifts].join(' ')})`);
});

test('the same seed gives the same augmented batch, another seed another', () => {
  const ds = randomDataset(1, 1);
  assert.deepEqual(augmentedCopies(ds, 4, true, 21), augmentedCopies(ds, 4, true, 21));
  assert.notDeepEqual(augmentedCopies(ds, 4, true, 21), augmentedCopies(ds, 4, true, 22));
});

test('epochBatches covers every index once, shuffled by the seed, with an optional short last batch', () => {
  const ordered = [...epochBatches(10, 4)].map((b) => Array.from(b));
  assert.deepEqual(ordered, [
    [0, 1, 2, 3],
    [4, 5, 6, 7],
    [8, 9],
  ]);
  assert.deepEqual([...epochBatches(10, 4, { dropLast: true })].length, 2);
  const a = [...epochBatches(100, 32, { rng: new Rng(4) })].map((b) => Array.from(b));
  assert.deepEqual(
    a.map((b) => b.length),
    [32, 32, 32, 4],
  );
  assert.deepEqual(
    a.flat().sort((x, y) => x - y),
    Array.from({ length: 100 }, (_, i) => i),
  );
  assert.notDeepEqual(
    a.flat(),
    Array.from({ length: 100 }, (_, i) => i),
  );
  assert.deepEqual(
    [...epochBatches(100, 32, { rng: new Rng(4) })].map((b) => Array.from(b)),
    a,
  );
  assert.throws(() => epochBatches(10, 0).next(), /batchSize must be a positive integer, got 0/);
});
