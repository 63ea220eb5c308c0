import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { CIFAR100_BINARY_RELEASE, CIFAR10_CLASSES, loadCifar10, loadCifar100 } from 'spikesplit';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-loaders-'));

/** `count` records of `labelBytes` label bytes (label k % 10) and 3072 pixel bytes of value k. */
function records(count: number, labelBytes: number): Buffer {
  const size = labelBytes + 3072;
  const b = Buffer.alloc(count * size);
  for (let k = 0; k < count; k++) {
    b.fill(k % 10, k * size, k * size + labelBytes);
    b.fill(k, k * size + labelBytes, (k + 1) * size);
  }
  return b;
}

/** A cifar10-jpg style archive: cifar10-jpg/<split>/<class>/0000.png, one 32x32 image per class. */
function jpgArchive(): string {
  const root = path.join(tmp, 'jpg');
  const png = new PNG({ width: 32, height: 32 });
  png.data.fill(200);
  for (const split of ['train', 'test']) {
    for (const cls of CIFAR10_CLASSES) {
      fs.mkdirSync(path.join(root, 'cifar10-jpg', split, cls), { recursive: true });
      fs.writeFileSync(path.join(root, 'cifar10-jpg', split, cls, '0000.png'), PNG.sync.write(png));
    }
  }
  const file = path.join(tmp, 'cifar10-jpg.tar.gz');
  execFileSync('tar', ['-czf', file, '-C', root, 'cifar10-jpg']);
  return file;
}

test('the embedded sample loads: 500 training and 200 test images, all 10 classes balanced', async () => {
  const train = await loadCifar10({ split: 'train', source: 'sample' });
  assert.equal(train.count, 500);
  assert.deepEqual(train.classCounts(), new Array(10).fill(50));
  assert.deepEqual(train.classes, [...CIFAR10_CLASSES]);
  assert.deepEqual([train.height, train.width, train.channels], [32, 32, 3]);
  assert.match(train.source, /^embedded sample .*data\/sample\/train\.bin$/);
  const testSet = await loadCifar10({ split: 'test', source: 'sample' });
  assert.equal(testSet.count, 200);
  assert.deepEqual(testSet.classCounts(), new Array(10).fill(20));
});

test('loadCifar10 prefers the official binaries, then the JPEG archive, then the sample', async () => {
  const dataDir = path.join(tmp, 'data');
  const archive = jpgArchive();
  const common = { split: 'test' as const, dataDir, progress: false as const };

  const none = await loadCifar10({ ...common, jpgArchive: null });
  assert.match(none.source, /^embedded sample/);

  const fromJpg = await loadCifar10({ ...common, jpgArchive: archive });
  assert.match(fromJpg.source, /^image folder .*cifar10-jpg\.tar\.gz \[cifar10-jpg\/test\]$/);
  assert.equal(fromJpg.count, 10);
  assert.deepEqual(fromJpg.classes, [...CIFAR10_CLASSES]);
  assert.ok(fs.readdirSync(path.join(dataDir, 'cache')).length > 0, 'cached under <dataDir>/cache');

  const folder = path.join(dataDir, 'downloads', 'cifar-10-batches-bin');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'test_batch.bin'), records(3, 1));
  const fromBinary = await loadCifar10({ ...common, jpgArchive: archive });
  assert.match(fromBinary.source, /^official cifar10 binaries .*cifar-10-batches-bin \(test\)$/);
  assert.deepEqual(Array.from(fromBinary.labels), [0, 1, 2]);

  await assert.rejects(
    loadCifar10({ ...common, source: 'jpg', jpgArchive: path.join(tmp, 'nowhere.tar.gz') }),
    /nowhere\.tar\.gz \(from jpgArchive\) does not exist/,
  );
});

test('loadCifar100 without its binaries says what to place where', async () => {
  const dataDir = path.join(tmp, 'empty');
  const downloads = path.join(dataDir, 'downloads');
  await assert.rejects(loadCifar100({ split: 'train', dataDir, download: false }), (err: Error) => {
    for (const part of [
      path.join(downloads, 'cifar-100-binary.tar.gz'),
      path.join(downloads, 'cifar-100-binary'),
      CIFAR100_BINARY_RELEASE.url,
      CIFAR100_BINARY_RELEASE.md5,
    ]) {
      assert.ok(err.message.includes(part), `message names ${part}: ${err.message}`);
    }
    return true;
  });
});

test('loadCifar100 refuses a tarball whose md5 is not the official one', async () => {
  const dataDir = path.join(tmp, 'wrong');
  fs.mkdirSync(path.join(dataDir, 'downloads'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'downloads', 'cifar-100-binary.tar.gz'), 'not the release');
  await assert.rejects(
    loadCifar100({ split: 'test', dataDir, download: false }),
    new RegExp(`cifar-100-binary\\.tar\\.gz has md5 [0-9a-f]{32}, expected ${CIFAR100_BINARY_RELEASE.md5}`),
  );
});

test('loadCifar100 reads the unpacked official folder', async () => {
  const dataDir = path.join(tmp, 'c100');
  const folder = path.join(dataDir, 'downloads', 'cifar-100-binary');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'test.bin'), records(4, 2));
  const ds = await loadCifar100({ split: 'test', dataDir, download: false, labels: 'coarse' });
  assert.equal(ds.count, 4);
  assert.equal(ds.classes.length, 20);
  assert.deepEqual(Array.from(ds.labels), [0, 1, 2, 3]);
  assert.equal(ds.images[3 * 3072], 3);
});
