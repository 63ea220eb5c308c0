import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CIFAR100_COARSE_CLASSES,
  CIFAR100_FINE_CLASSES,
  CIFAR10_CLASSES,
  encodeCifar10Records,
  parseCifarRecords,
  readCifarBinary,
} from 'spikesplit';

// Batch files are written byte by byte at the offsets of the published layout:
//   CIFAR-10 record r:  byte 0 label, byte 1 + c*1024 + y*32 + x the pixel (channel c, row y, column x)
//   CIFAR-100 record r: byte 0 coarse, byte 1 fine, byte 2 + c*1024 + y*32 + x the pixel
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-cifar-'));
const pixel = (n: number, c: number, y: number, x: number) => (n * 37 + c * 71 + y * 5 + x * 3) & 255;

interface Written {
  bytes: Buffer;
  labels: number[];
  coarse: number[];
}

/** Records numbered from `first` (their global index n drives labels and pixels). */
function writeBatch(file: string, first: number, count: number, variant: 'cifar10' | 'cifar100'): Written {
  const labelBytes = variant === 'cifar10' ? 1 : 2;
  const record = labelBytes + 3072;
  const bytes = Buffer.alloc(count * record);
  const labels: number[] = [];
  const coarse: number[] = [];
  for (let r = 0; r < count; r++) {
    const n = first + r;
    const label = variant === 'cifar10' ? (n * 3 + 1) % 10 : (n * 13 + 5) % 100;
    labels.push(label);
    if (variant === 'cifar100') {
      coarse.push(n % 20);
      bytes[r * record] = n % 20;
      bytes[r * record + 1] = label;
    } else {
      bytes[r * record] = label;
    }
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) bytes[r * record + labelBytes + c * 1024 + y * 32 + x] = pixel(n, c, y, x);
      }
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return { bytes, labels, coarse };
}

function assertPixels(images: Uint8Array, count: number): void {
  assert.equal(images.length, count * 32 * 32 * 3);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        for (let c = 0; c < 3; c++) {
          const got = images[((n * 32 + y) * 32 + x) * 3 + c];
          if (got !== pixel(n, c, y, x))
            assert.fail(`image ${n} (${y}, ${x}, ${c}) is ${got}, expected ${pixel(n, c, y, x)}`);
        }
      }
    }
  }
}

const c10 = path.join(tmp, 'cifar-10-batches-bin');
const trainSizes = [2, 3, 1, 2, 2];
const train: Written[] = [];
let first = 0;
trainSizes.forEach((size, k) => {
  train.push(writeBatch(path.join(c10, `data_batch_${k + 1}.bin`), first, size, 'cifar10'));
  first += size;
});
const test10 = writeBatch(path.join(c10, 'test_batch.bin'), 0, 3, 'cifar10');
fs.writeFileSync(path.join(c10, 'batches.meta.txt'), CIFAR10_CLASSES.join('\n'));
const c100 = path.join(tmp, 'cifar-100-binary');
const train100 = writeBatch(path.join(c100, 'train.bin'), 0, 4, 'cifar100');
writeBatch(path.join(c100, 'test.bin'), 0, 2, 'cifar100');
execFileSync('tar', ['-czf', path.join(tmp, 'cifar-10-binary.tar.gz'), '-C', tmp, 'cifar-10-batches-bin']);

test('CIFAR-10 batches in the official layout read back as NHWC images with their labels, train in batch order', async () => {
  const ds = await readCifarBinary(c10, { variant: 'cifar10', split: 'train' });
  assert.deepEqual([ds.count, ds.height, ds.width, ds.channels], [10, 32, 32, 3]);
  assert.deepEqual(
    Array.from(ds.labels),
    train.flatMap((b) => b.labels),
  );
  assert.deepEqual(ds.classes, [...CIFAR10_CLASSES]);
  assertPixels(ds.images, 10);
  const t = await readCifarBinary(c10, { variant: 'cifar10', split: 'test' });
  assert.deepEqual(Array.from(t.labels), test10.labels);
  assertPixels(t.images, 3);
});

test('the CIFAR-10 tarball (built by system tar) reads the same as its unpacked folder', async () => {
  const fromTar = await readCifarBinary(path.join(tmp, 'cifar-10-binary.tar.gz'), {
    variant: 'cifar10',
    split: 'train',
  });
  const fromDir = await readCifarBinary(c10, { variant: 'cifar10', split: 'train' });
  assert.deepEqual(fromTar.images, fromDir.images);
  assert.deepEqual(fromTar.labels, fromDir.labels);
  assert.match(fromTar.source, /cifar-10-binary\.tar\.gz \(train\)/);
});

test('encodeCifar10Records writes the official layout byte for byte', async () => {
  const ds = await readCifarBinary(c10, { variant: 'cifar10', split: 'train' });
  assert.deepEqual(Buffer.from(encodeCifar10Records(ds)), Buffer.concat(train.map((b) => b.bytes)));
});

test('CIFAR-100 records give fine labels by default and coarse ones on request', async () => {
  const fine = await readCifarBinary(c100, { variant: 'cifar100', split: 'train' });
  assert.deepEqual(Array.from(fine.labels), train100.labels);
  assert.equal(fine.classes.length, 100);
  assert.deepEqual(fine.classes, [...CIFAR100_FINE_CLASSES]);
  assertPixels(fine.images, 4);
  const coarse = await readCifarBinary(c100, { variant: 'cifar100', split: 'train', labels: 'coarse' });
  assert.deepEqual(Array.from(coarse.labels), train100.coarse);
  assert.deepEqual(coarse.classes, [...CIFAR100_COARSE_CLASSES]);
  assert.equal(CIFAR100_COARSE_CLASSES.length, 20);
  assert.equal((await readCifarBinary(c100, { variant: 'cifar100', split: 'test' })).count, 2);
});

test('malformed CIFAR input is refused with what was expected', async () => {
  assert.throws(
    () => parseCifarRecords([new Uint8Array(3073 + 5)], { variant: 'cifar10' }, 'short'),
    /3078 bytes, expected a multiple of 3073/,
  );
  const badLabel = new Uint8Array(3073);
  badLabel[0] = 10;
  assert.throws(() => parseCifarRecords([badLabel], { variant: 'cifar10' }, 'bad'), /label 10, expected < 10/);
  assert.throws(() => parseCifarRecords([], { variant: 'cifar10', labels: 'coarse' }, 'x'), /cifar100 only/);
  const partial = path.join(tmp, 'partial');
  writeBatch(path.join(partial, 'data_batch_1.bin'), 0, 1, 'cifar10');
  await assert.rejects(
    readCifarBinary(partial, { variant: 'cifar10', split: 'train' }),
    /lacks data_batch_2\.bin, data_batch_3\.bin, data_batch_4\.bin, data_batch_5\.bin/,
  );
});
