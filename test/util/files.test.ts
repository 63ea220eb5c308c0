// Files that cannot be used say which file and what to do: JSON artefacts, data files, disk faults, the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import {
  checkSplits,
  checkWritableDir,
  decodeFrame,
  FileError,
  FrameError,
  ImageDataset,
  loadImageFolder,
  loadWeights,
  parseCifarRecords,
  readCheckpoint,
  readCifarBinary,
  readJsonArtefact,
  writeJsonAtomic,
} from 'spikesplit';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-files-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const CLI = path.resolve(__dirname, '..', '..', 'scripts', 'cli.js');

/** A JSON file cut in the middle of a string, as a full disk or a kill during a non-atomic copy leaves it. */
function truncatedJson(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ format: 'x', history: ['a long string that is cut'] }).slice(0, 30));
  return file;
}

const corrupt = (file: string) => (err: unknown) =>
  err instanceof FileError &&
  err.file === file &&
  err.message.startsWith(file) &&
  /truncated or corrupt \(.*JSON.*\); /.test(err.message);

test('a truncated JSON artefact is a FileError naming the file and what to do, wherever it is read', () => {
  const file = truncatedJson(path.join(tmp, 'a', 'summary.json'));
  assert.throws(
    () => readJsonArtefact(file),
    (err: FileError) => corrupt(file)(err) && /delete it to recompute$/.test(err.message),
  );
  const latest = truncatedJson(path.join(tmp, 'run', 'checkpoint', 'latest.json'));
  assert.throws(
    () => readCheckpoint(path.join(tmp, 'run')),
    (err: FileError) => corrupt(latest)(err) && /to train from the start$/.test(err.message),
  );
  const weights = truncatedJson(path.join(tmp, 'w', 'weights.json'));
  assert.throws(() => loadWeights({ namedVariables: () => [] } as never, weights), corrupt(weights));
  assert.throws(
    () => readJsonArtefact(path.join(tmp, 'none.json')),
    /cannot read .*none\.json: no such file or directory \(ENOENT\)/,
  );
});

test('the CLI prints one line (after the backend line), no stack trace, and exits 2 for a corrupt artefact, a bad option value and an extra argument', () => {
  const runs = path.join(tmp, 'runs');
  const summary = truncatedJson(path.join(runs, 'tiny', 'backbone', 'summary.json'));
  const cases: [string[], RegExp][] = [
    [
      ['train', '--preset', 'tiny'],
      new RegExp(`^${summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is truncated or corrupt`),
    ],
    [
      ['serve', '--split', 'RB99', '--token', 'x', '--port', '0'],
      /^--model, --split: resnet18: unknown split point 'RB99'/,
    ],
    [
      ['serve', '--weights', path.join(tmp, 'nowhere'), '--token', 'x', '--port', '0'],
      /^--weights: cannot read .*nowhere\/weights\.json: no such file or directory/,
    ],
    [
      ['serve', '--host', '0.0.0.0', '--token', 'x'],
      /^--host 0\.0\.0\.0: off loopback .* give --tls-cert and --tls-key/,
    ],
    [['info', 'extra'], /^spikesplit info: unexpected argument\(s\) 'extra'; this command takes options only/],
  ];
  for (const [args, message] of cases) {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      encoding: 'utf8',
      env: { ...process.env, SPIKESPLIT_RUNS_DIR: runs },
      timeout: 60_000,
    });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.split('\n').filter((l) => !l.startsWith('spikesplit: backend'));
    assert.match(lines[0], message, args.join(' ')); // an argument error is followed by the command's usage
    assert.doesNotMatch(r.stderr, /\n\s+at /, `${args.join(' ')} printed a stack trace`);
  }
});

test('decodeFrame throws FrameError for input that is not bytes at all', () => {
  for (const input of [null, undefined, 'SPKF', 42, {}, [0x53, 0x50, 0x4b, 0x46], new Uint16Array(40)]) {
    assert.throws(
      () => decodeFrame(input as never),
      (err: unknown) => err instanceof FrameError && err.field === 'length',
      String(input),
    );
  }
});

test('a truncated JPEG names its file; a CIFAR batch of the wrong size names its file', async () => {
  const dir = path.join(tmp, 'folder');
  const data = new Uint8Array(8 * 8 * 4).fill(200);
  for (const cls of ['cat', 'dog']) {
    fs.mkdirSync(path.join(dir, cls), { recursive: true });
    const bytes = jpeg.encode({ width: 8, height: 8, data }, 90).data;
    fs.writeFileSync(path.join(dir, cls, 'a.jpg'), cls === 'dog' ? bytes.subarray(0, 40) : bytes);
  }
  await assert.rejects(
    loadImageFolder(dir, { progress: false, cacheDir: null }),
    (err: FileError) =>
      err instanceof FileError &&
      /dog\/a\.jpg: cannot decode it as JPEG \(.+\); the file is truncated or corrupt/.test(err.message),
  );

  const c10 = path.join(tmp, 'cifar-10-batches-bin');
  fs.mkdirSync(c10, { recursive: true });
  const record = (n: number) => Uint8Array.from({ length: 3073 }, (_, i) => (i === 0 ? n % 10 : (n * 7 + i) & 255));
  const batch = (first: number) => Buffer.concat([record(first), record(first + 1)]);
  for (let k = 1; k <= 5; k++) fs.writeFileSync(path.join(c10, `data_batch_${k}.bin`), batch(2 * k));
  fs.writeFileSync(path.join(c10, 'test_batch.bin'), batch(0));
  fs.writeFileSync(path.join(c10, 'data_batch_3.bin'), batch(6).subarray(0, 3073 + 100));
  await assert.rejects(
    readCifarBinary(c10, { variant: 'cifar10', split: 'train' }),
    (err: FileError) =>
      err.file === path.join(c10, 'data_batch_3.bin') &&
      /data_batch_3\.bin has 3173 bytes, expected a multiple of 3073/.test(err.message),
  );
});

test('duplicate batch files, a test split that copies a training batch, and overlapping or class-less splits are refused', async () => {
  const c10 = path.join(tmp, 'six-identical');
  fs.mkdirSync(c10, { recursive: true });
  const bytes = Buffer.concat(
    Array.from({ length: 10 }, (_, n) =>
      Uint8Array.from({ length: 3073 }, (_, i) => (i === 0 ? n : (n * 11 + i) & 255)),
    ),
  );
  for (const name of ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'])
    fs.writeFileSync(path.join(c10, `${name}.bin`), bytes);
  await assert.rejects(
    readCifarBinary(c10, { variant: 'cifar10', split: 'train' }),
    /data_batch_2\.bin is byte for byte the same as .*data_batch_1\.bin; expected distinct batch files/,
  );
  await assert.rejects(
    readCifarBinary(c10, { variant: 'cifar10', split: 'test' }),
    /test_batch\.bin is byte for byte the same as .*data_batch_\d\.bin: the test split would overlap/,
  );
  assert.throws(
    () => parseCifarRecords([bytes, bytes], { variant: 'cifar10' }, 'two'),
    /two: batch 1 is byte for byte the same as two: batch 0/,
  );

  const images = (count: number, seed: number) =>
    Uint8Array.from({ length: count * 4 * 4 * 3 }, (_, i) => (i * seed + (i >> 4)) & 255);
  const set = (pixels: Uint8Array, labels: number[], source: string) =>
    new ImageDataset({
      images: pixels,
      labels: Uint8Array.from(labels),
      classes: ['a', 'b'],
      height: 4,
      width: 4,
      channels: 3,
      source,
    });
  const train = set(images(4, 3), [0, 1, 0, 1], 'train set');
  assert.doesNotThrow(() => checkSplits(train, set(images(2, 5), [0, 1], 'test set')));
  assert.throws(
    () => checkSplits(train, set(images(2, 3), [0, 1], 'copied test set')),
    /2 of the 2 test images of copied test set are also training images of train set/,
  );
  assert.throws(
    () => checkSplits(train, set(images(2, 5), [1, 1], 'one-class test set')),
    /one-class test set has no image of class\(es\) a/,
  );
});

const root = process.getuid?.() === 0;
const hasUnshare = root && spawnSync('unshare', ['--mount', 'true']).status === 0;

/** Runs `script` (JS using spikesplit) in a private mount namespace where `dir` is a tmpfs mounted with `options`. */
function onMount(dir: string, options: string, script: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const lib = path.resolve(__dirname, '..', '..', 'lib', 'index.js');
  const js = `const s = require(${JSON.stringify(lib)}); try { ${script} } catch (e) { console.log(e.name + ': ' + e.message); }`;
  return execFileSync(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs -o ${options} spikesplit-test "$0" && ${JSON.stringify(process.execPath)} -e "$1"; ls -a "$0"`,
      dir,
      js,
    ],
    { encoding: 'utf8' },
  );
}

test(
  'a full disk is reported with the path and leaves no .tmp file; a read-only file system is reported as read-only',
  { skip: hasUnshare ? false : 'needs root and unshare(1) to mount a small tmpfs in a private mount namespace' },
  () => {
    const full = path.join(tmp, 'full');
    const out = onMount(
      full,
      'size=64k',
      `s.writeJsonAtomic(${JSON.stringify(path.join(full, 'results.json'))}, { values: 'x'.repeat(1 << 20) });`,
    );
    assert.match(out, new RegExp(`FileError: cannot write ${full}/results\\.json: the disk is full \\(ENOSPC\\)`));
    assert.doesNotMatch(out, /\.tmp/, 'the temporary file was left behind');
    const ro = path.join(tmp, 'ro');
    const roOut = onMount(ro, 'ro', `s.checkWritableDir(${JSON.stringify(path.join(ro, 'runs', 'tiny'))});`);
    assert.match(
      roOut,
      /FileError: cannot create the directory .*ro\/runs\/tiny: .*ro is not writable: the file system is read-only \(EROFS\)/,
    );
    const existing = onMount(ro, 'ro', `s.checkWritableDir(${JSON.stringify(ro)});`);
    assert.match(existing, /FileError: cannot write .*ro\/\.write-probe: the file system is read-only \(EROFS\)/);
  },
);

test('checkWritableDir and writeJsonAtomic leave only what was written', () => {
  const dir = path.join(tmp, 'w', 'deep');
  checkWritableDir(dir);
  writeJsonAtomic(path.join(dir, 'x.json'), { a: 1 });
  assert.deepEqual(fs.readdirSync(dir), ['x.json']);
});
