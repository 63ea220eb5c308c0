import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paretoFront } from 'spikesplit';

test('paretoFront keeps the points that no point with fewer or equal bits beats, sorted by bits', () => {
  const points = [
    { id: 'a', bits: 1000, accuracy: 0.7 },
    { id: 'b', bits: 64, accuracy: 0.5 },
    { id: 'c', bits: 512, accuracy: 0.55 }, // beaten by d: fewer bits, higher accuracy
    { id: 'd', bits: 256, accuracy: 0.6 },
    { id: 'e', bits: 2048, accuracy: 0.7 }, // same accuracy as a with more bits
    { id: 'f', bits: 64, accuracy: 0.4 }, // same bits as b, lower accuracy
    { id: 'g', bits: 4096, accuracy: 0.72 },
  ];
  assert.deepEqual(
    paretoFront(points).map((p) => p.id),
    ['b', 'd', 'a', 'g'],
  );
  assert.deepEqual(paretoFront([]), []);
  assert.deepEqual(
    paretoFront([
      { id: 'x', bits: 8, accuracy: 0.1 },
      { id: 'y', bits: 8, accuracy: 0.1 },
    ]).map((p) => p.id),
    ['x'],
    'of equal points the first is kept',
  );
  assert.throws(() => paretoFront([{ bits: NaN, accuracy: 0.1 }]), /point 0 has bits NaN/);
});
