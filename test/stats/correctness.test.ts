// Per-image correctness as results store it: a round trip through JSON, its size, and clear errors on old or corrupt records and files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  accuracyEstimate,
  decodeCorrectness,
  encodeCorrectness,
  readResults,
  readTestbed,
  resultsFile,
  rowUncertainty,
  Rng,
  testbedFile,
  wilsonInterval,
  writeJsonAtomic,
  setRunsRoot,
} from 'spikesplit';

test('round trip through JSON, 10,000 images in under 1,700 characters', () => {
  const rng = new Rng(4);
  for (const n of [1, 7, 8, 9, 10000]) {
    const correct = Uint8Array.from({ length: n }, () => (rng.next() < 0.6 ? 1 : 0));
    const stored = JSON.parse(JSON.stringify(encodeCorrectness(correct)));
    assert.deepEqual(decodeCorrectness(stored, 'test'), correct);
    if (n === 10000) assert.ok(stored.bits.length < 1700, `${stored.bits.length} characters`);
  }
  const e = accuracyEstimate(Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]));
  assert.deepEqual(e, { accuracy: 0.8, ...wilsonInterval(8, 10), count: 10 });
});

test('missing, corrupt or unpaired correctness: errors naming the record', () => {
  assert.throws(
    () => decodeCorrectness(undefined, 'runs/x/row.json'),
    /runs\/x\/row.json has no per-image correctness .* delete it and run again/,
  );
  assert.throws(
    () => decodeCorrectness({ count: 9, bits: 'AA==' }, 'row.json'),
    /row.json: per-image correctness is corrupt: .*9 spikes need 2 packed bytes, got 1/,
  );
  assert.throws(
    () => decodeCorrectness({ count: 0, bits: '' }, 'row.json'),
    /must be \{ count: a positive whole number/,
  );
  const a = encodeCorrectness(new Uint8Array([1, 0, 1, 1]));
  const b = encodeCorrectness(new Uint8Array([1, 0, 1]));
  assert.throws(
    () => rowUncertainty(a, b, { baseline: 'summary.json', row: 'row.json' }, 1),
    /row.json: 3 test images, the baseline's \(summary.json\) 4; a paired drop needs the same test set/,
  );
});

test('a results file from before intervals is refused by name, with what to run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-old-results-'));
  setRunsRoot(dir);
  try {
    writeJsonAtomic(resultsFile('tiny'), {
      preset: 'tiny',
      backbone: null,
      rows: [{ id: 'RB3-x', accuracy: 0.5, drop: 0 }],
      selection: [],
      missing: [],
    });
    assert.throws(
      () => readResults('tiny'),
      /results.json was written before it recorded intervals \(per-image correctness\); run 'spikesplit sweep --preset tiny' again/,
    );
    writeJsonAtomic(testbedFile('tiny'), {
      preset: 'tiny',
      rows: [{ mode: 'edge-only' }],
      earlyExit: { candidates: [] },
    });
    assert.throws(
      () => readTestbed('tiny'),
      /testbed.json was written before it recorded latency intervals; run 'spikesplit testbed --preset tiny' again/,
    );
  } finally {
    setRunsRoot(undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
