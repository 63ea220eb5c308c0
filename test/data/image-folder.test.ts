import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { CIFAR10_CLASSES, loadImageFolder, Rng } from 'spikesplit';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-folder-'));
const W = 8;
const H = 6;
const rng = new Rng(17);

/** A W x H RGBA image: random for PNG (lossless), a smooth gradient for JPEG (lossy). */
function rgba(smooth: boolean): Uint8Array {
  const data = new Uint8Array(W * H * 4);
  const base = rng.int(128);
  for (let p = 0; p < W * H; p++) {
    for (let c = 0; c < 3; c++) data[4 * p + c] = smooth ? base + (p % W) * 8 + c * 20 : rng.int(256);
    data[4 * p + 3] = 255;
  }
  return data;
}

function encodePng(data: Uint8Array, width = W, height = H): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(data);
  return PNG.sync.write(png);
}

/** Writes `<dir>/<class>/<name>` and returns the RGB pixels expected back. */
function writeImage(dir: string, cls: string, name: string): Uint8Array {
  fs.mkdirSync(path.join(dir, cls), { recursive: true });
  const isPng = name.endsWith('.png');
  const data = rgba(!isPng);
  const bytes = isPng ? encodePng(data) : jpeg.encode({ width: W, height: H, data }, 95).data;
  fs.writeFileSync(path.join(dir, cls, name), bytes);
  const rgb = new Uint8Array(W * H * 3);
  for (let p = 0; p < W * H; p++) rgb.set(data.subarray(4 * p, 4 * p + 3), 3 * p);
  return rgb;
}

// set/train/<class>/...: classes written out of order, mixed PNG and JPEG, plus files to be ignored.
const train = path.join(tmp, 'set', 'train');
const expected: { cls: string; name: string; rgb: Uint8Array; png: boolean }[] = [];
for (const [cls, name] of [
  ['zebra', 'b.png'],
  ['apple', '2.jpg'],
  ['zebra', 'a.jpg'],
  ['mango', 'x.png'],
  ['apple', '1.png'],
]) {
  expected.push({ cls, name, rgb: writeImage(train, cls, name), png: name.endsWith('.png') });
}
fs.writeFileSync(path.join(train, 'apple', 'notes.txt'), 'not an image');
fs.writeFileSync(path.join(train, 'apple', '.DS_Store'), 'junk');
fs.writeFileSync(path.join(train, 'README'), 'top-level file');
writeImage(path.join(tmp, 'set', 'test'), 'apple', '0.png');
const archive = path.join(tmp, 'set.tar.gz');
execFileSync('tar', ['-czf', archive, '-C', tmp, 'set']);
// Expected order: labels from sorted class names, then file names.
const order = [...expected].sort((a, b) => a.cls.localeCompare(b.cls) || a.name.localeCompare(b.name));

test('an image folder of PNG and JPEG files decodes to [N, H, W, 3] with sorted classes', async () => {
  const ds = await loadImageFolder(train, { cacheDir: null, progress: false });
  assert.deepEqual(ds.classes, ['apple', 'mango', 'zebra']);
  assert.deepEqual([ds.count, ds.height, ds.width, ds.channels], [5, H, W, 3]);
  assert.deepEqual(
    Array.from(ds.labels),
    order.map((e) => ds.classes.indexOf(e.cls)),
  );
  order.forEach((e, i) => {
    const got = ds.images.subarray(i * W * H * 3, (i + 1) * W * H * 3);
    if (e.png) {
      assert.deepEqual(got, e.rgb, `${e.cls}/${e.name} is lossless`);
    } else {
      const maxError = Math.max(...Array.from(got, (v, k) => Math.abs(v - e.rgb[k])));
      assert.ok(maxError <= 12, `${e.cls}/${e.name} is within JPEG error of its source (max error ${maxError})`);
    }
  });
});

test('the same folder read from a .tar.gz without unpacking gives the same data set', async () => {
  const fromDir = await loadImageFolder(train, { cacheDir: null, progress: false });
  const fromTar = await loadImageFolder(archive, { root: 'set/train', cacheDir: null, progress: false });
  assert.deepEqual(fromTar.images, fromDir.images);
  assert.deepEqual(fromTar.labels, fromDir.labels);
  assert.deepEqual(fromTar.classes, fromDir.classes);
  assert.match(fromTar.source, /set\.tar\.gz \[set\/train\]$/);
  const testSplit = await loadImageFolder(archive, { root: 'set/test', cacheDir: null, progress: false });
  assert.equal(testSplit.count, 1);
});

test('decoding is cached: the second load reads the cache, a changed archive is decoded again', async () => {
  const cacheDir = path.join(tmp, 'cache');
  const lines: string[] = [];
  const progress = { sink: (line: string) => lines.push(line), intervalMs: 0 };
  const first = await loadImageFolder(archive, { root: 'set/train', cacheDir, progress });
  assert.match(lines[lines.length - 1], /decoding set\.tar\.gz\/set\/train {2}5 items in [\d.]+ s {2}\d+ items\/s/);
  assert.match(lines[0], /1\/5 items \(20%\) .* ETA/);
  assert.equal(fs.readdirSync(cacheDir).filter((f) => !f.endsWith('.tmp')).length, 3);

  lines.length = 0;
  const second = await loadImageFolder(archive, { root: 'set/train', cacheDir, progress });
  assert.deepEqual(lines, [], 'nothing decoded');
  assert.deepEqual(second.images, first.images);
  assert.deepEqual(second.labels, first.labels);
  assert.deepEqual(second.classes, first.classes);
  assert.equal(second.source, first.source);

  const later = new Date(Date.now() + 5000);
  fs.utimesSync(archive, later, later);
  await loadImageFolder(archive, { root: 'set/train', cacheDir, progress });
  assert.ok(lines.length > 0, 'decoded again after the archive changed');
});

test('a folder named like CIFAR-10 gets the official label order', async () => {
  const dir = path.join(tmp, 'cifar-like');
  for (const cls of [...CIFAR10_CLASSES].reverse()) writeImage(dir, cls, '0000.png');
  const ds = await loadImageFolder(dir, { cacheDir: null, progress: false });
  assert.deepEqual(ds.classes, [...CIFAR10_CLASSES]);
  assert.deepEqual(Array.from(ds.labels), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('bad image folders are refused with what was expected', async () => {
  const sizes = path.join(tmp, 'sizes');
  writeImage(sizes, 'a', '1.png');
  fs.writeFileSync(path.join(sizes, 'a', '2.png'), encodePng(new Uint8Array(4 * 4 * 4), 4, 4));
  await assert.rejects(
    loadImageFolder(sizes, { cacheDir: null, progress: false }),
    /a\/2\.png is 4x4, expected 8x6 like a\/1\.png/,
  );

  const fake = path.join(tmp, 'fake');
  fs.mkdirSync(path.join(fake, 'a'), { recursive: true });
  fs.writeFileSync(path.join(fake, 'a', 'x.jpg'), 'GIF89a');
  await assert.rejects(loadImageFolder(fake, { cacheDir: null, progress: false }), /a\/x\.jpg is neither JPEG nor PNG/);

  await assert.rejects(
    loadImageFolder(archive, { cacheDir: null, progress: false }),
    /'set\/.*' is not <class>\/<image>; expected one folder level per class/,
  );
  await assert.rejects(
    loadImageFolder(archive, { root: 'nope', cacheDir: null, progress: false }),
    /has no files under 'nope\/'/,
  );
  await assert.rejects(loadImageFolder(path.join(tmp, 'missing'), { cacheDir: null }), /does not exist/);
});
