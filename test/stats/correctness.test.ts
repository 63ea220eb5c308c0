// Per-image correctness as results store it: a round trip through JSON, its size, and clear errors on old or corrupt records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyEstimate, decodeCorrectness, encodeCorrectness, rowUncertainty, Rng, wilsonInterval } from 'spikesplit';

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
  assert.throws(() => decodeCorrectness(undefined, 'runs/x/row.json'), /runs\/x\/row.json has no per-image correctness .* delete it and run again/);
  assert.throws(() => decodeCorrectness({ count: 9, bits: 'AA==' }, 'row.json'), /row.json: per-image correctness is corrupt: .*9 spikes need 2 packed bytes, got 1/);
  assert.throws(() => decodeCorrectness({ count: 0, bits: '' }, 'row.json'), /must be \{ count: a positive whole number/);
  const a = encodeCorrectness(new Uint8Array([1, 0, 1, 1]));
  const b = encodeCorrectness(new Uint8Array([1, 0, 1]));
  assert.throws(() => rowUncertainty(a, b, { baseline: 'summary.json', row: 'row.json' }, 1), /row.json: 3 test images, the baseline's \(summary.json\) 4; a paired drop needs the same test set/);
});
