import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAtisBin, Rng, writeAtisBin } from 'spikesplit';
import { sampleBytes, samplesSkip } from './event-samples';

// Hand-assembled from the spec: x, y, p<<7 | t[22:16], t[15:8], t[7:0]; y == 240 marks a +2^13 µs overflow.
const handFile = Uint8Array.from([
  ...[7, 15, 0x80, 0x02, 0x8e], // x 7, y 15, ON, t 0x00028e = 654
  ...[19, 18, 0x00, 0x0b, 0xb7], // x 19, y 18, OFF, t 0x000bb7 = 2999
  ...[0, 240, 0x00, 0x00, 0x00], // overflow marker
  ...[255, 239, 0xff, 0xff, 0xff], // x 255, y 239, ON, t 0x7fffff + 8192 = 8396799
  ...[9, 240, 0x12, 0x34, 0x56], // overflow marker (its other fields are ignored)
  ...[1, 2, 0x00, 0x00, 0x05], // x 1, y 2, OFF, t 5 + 2 * 8192 = 16389
]);

test('readAtisBin decodes hand-written 40-bit events and overflow markers', () => {
  const events = readAtisBin(handFile);
  assert.deepEqual(Array.from(events.x), [7, 19, 255, 1]);
  assert.deepEqual(Array.from(events.y), [15, 18, 239, 2]);
  assert.deepEqual(Array.from(events.p), [1, 0, 1, 0]);
  assert.deepEqual(Array.from(events.t), [654, 2999, 8396799, 16389]);
  assert.equal(events.overflowMarkerCount, 2);
  assert.deepEqual([events.width, events.height], [256, 240]); // max + 1
  assert.deepEqual([readAtisBin(new Uint8Array(0)).x.length, readAtisBin(new Uint8Array(0)).width], [0, 0]);
});

test('writeAtisBin writes the bytes of the spec, with overflow markers past 2^23 - 1 µs', () => {
  const stream = {
    x: Uint16Array.of(7, 19),
    y: Uint16Array.of(15, 18),
    p: Uint8Array.of(1, 0),
    t: Float64Array.of(654, 2999),
    width: 34,
    height: 34,
  };
  assert.deepEqual(Array.from(writeAtisBin(stream)), Array.from(handFile.subarray(0, 10)));

  // 9,000,000 µs needs ceil((9e6 - (2^23 - 1)) / 2^13) = 75 markers; stored t = 9e6 - 75 * 8192 = 8385600 = 0x7ff440.
  const late = writeAtisBin({
    x: Uint16Array.of(3),
    y: Uint16Array.of(4),
    p: Uint8Array.of(1),
    t: Float64Array.of(9_000_000),
    width: 34,
    height: 34,
  });
  assert.equal(late.length, 76 * 5);
  for (let m = 0; m < 75; m++) assert.deepEqual(Array.from(late.subarray(m * 5, m * 5 + 5)), [0, 240, 0, 0, 0]);
  assert.deepEqual(Array.from(late.subarray(375)), [3, 4, 0xff, 0xf4, 0x40]);
  assert.deepEqual(Array.from(readAtisBin(late).t), [9_000_000]);
});

test('writeAtisBin then readAtisBin returns the events, long recordings included', () => {
  const rng = new Rng(11);
  const n = 2000;
  let tUs = 0;
  const stream = {
    x: Uint16Array.from({ length: n }, () => rng.int(240)),
    y: Uint16Array.from({ length: n }, () => rng.int(180)),
    p: Uint8Array.from({ length: n }, () => rng.int(2)),
    t: Float64Array.from({ length: n }, () => (tUs += rng.int(20_000))), // up to ~20 s, past 2^23 µs
    width: 240,
    height: 180,
  };
  const back = readAtisBin(writeAtisBin(stream), { sensorSize: { width: 240, height: 180 } });
  assert.deepEqual([back.x, back.y, back.p, back.t], [stream.x, stream.y, stream.p, stream.t]);
  assert.deepEqual([back.width, back.height], [240, 180]);
  assert.ok(back.overflowMarkerCount > 0);
});

test('readAtisBin and writeAtisBin name what is wrong', () => {
  assert.throws(() => readAtisBin(handFile.subarray(0, 7)), /7 bytes end in a truncated event \(2 trailing bytes\)/);
  assert.throws(
    () => readAtisBin(handFile, { sensorSize: { width: 34, height: 34 } }),
    /event 2 at \(x 255, y 239\) lies outside the 34x34 sensor/,
  );
  const one = (y: number, t: number[]) => ({
    x: Uint16Array.of(0, 0),
    y: Uint16Array.of(y, y),
    p: Uint8Array.of(0, 0),
    t: Float64Array.from(t),
    width: 300,
    height: 300,
  });
  assert.throws(
    () => writeAtisBin(one(240, [0, 1])),
    /event 0 at \(x 0, y 240\) cannot be stored; expected x <= 255 and y < 240/,
  );
  assert.throws(
    () => writeAtisBin(one(1, [5, 4])),
    /event 1 has timestamp 4 after 5; expected whole microseconds >= 0, non-decreasing/,
  );
});

test('real N-MNIST ATIS recording (N-Caltech101 layout) parses to the README oracles', { skip: samplesSkip }, () => {
  const bytes = sampleBytes('nmnist_sample_tonic.bin');
  const events = readAtisBin(bytes, { sensorSize: { width: 34, height: 34 } });
  assert.equal(events.x.length, bytes.length / 5);
  assert.equal(events.x.length, 4325);
  assert.equal(events.overflowMarkerCount, 0);
  assert.deepEqual(
    [Math.min(...events.x), Math.max(...events.x), Math.min(...events.y), Math.max(...events.y)],
    [0, 33, 0, 33],
  );
  assert.equal(events.p.filter((p) => p === 0).length, 2180);
  assert.equal(events.p.filter((p) => p === 1).length, 2145);
  assert.deepEqual([events.t[0], events.t[events.t.length - 1]], [654, 311175]);
  assert.ok(
    events.t.every((t, i) => i === 0 || t >= events.t[i - 1]),
    'timestamps never decrease',
  );
  assert.deepEqual(
    [0, 1, 2].map((i) => [events.x[i], events.y[i], events.p[i], events.t[i]]),
    [
      [7, 15, 1, 654],
      [19, 18, 0, 2999],
      [21, 17, 0, 3017],
    ],
  );
  const sized = readAtisBin(bytes); // default size: max + 1
  assert.deepEqual([sized.width, sized.height], [34, 34]);
  assert.deepEqual(writeAtisBin(events), bytes); // the writer reproduces the real file byte for byte
});
