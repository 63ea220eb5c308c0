import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventStream, FrameSplit, integrateEventFrames, readAtisBin, Rng } from 'spikesplit';
import { sampleBytes, samplesSkip } from './event-samples';

// 7 events on a 4-wide, 2-high sensor: (x, y, p, t).
const small: EventStream = {
  x: Uint16Array.of(0, 1, 0, 3, 3, 2, 2),
  y: Uint16Array.of(0, 0, 0, 1, 1, 1, 1),
  p: Uint8Array.of(1, 0, 1, 1, 0, 1, 1),
  t: Float64Array.of(0, 10, 20, 30, 40, 50, 90),
  width: 4,
  height: 2,
};
const zeroRow = [
  [0, 0],
  [0, 0],
  [0, 0],
  [0, 0],
];

test('by number: hand-checked [T, H, W, 2] frames, last frame takes the remainder', () => {
  const frames = integrateEventFrames(small, { frames: 3, splitBy: 'number' });
  assert.deepEqual(frames.shape, [3, 2, 4, 2]);
  // floor(7 / 3) = 2 events per frame: {0, 1}, {2, 3}, {4, 5, 6}; [OFF, ON] per pixel.
  const expected = [
    [
      [
        [0, 1],
        [1, 0],
        [0, 0],
        [0, 0],
      ],
      zeroRow,
    ],
    [
      [
        [0, 1],
        [0, 0],
        [0, 0],
        [0, 0],
      ],
      [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 1],
      ],
    ],
    [
      zeroRow,
      [
        [0, 0],
        [0, 0],
        [0, 2],
        [1, 0],
      ],
    ],
  ];
  assert.deepEqual(Array.from(frames.data), expected.flat(3));
  const binary = integrateEventFrames(small, { frames: 3, splitBy: 'number', binary: true });
  assert.deepEqual(
    Array.from(binary.data),
    expected.flat(3).map((v) => Math.min(v, 1)),
  );
});

test('by time: hand-checked windows [0, 30), [30, 60), [60, 90]', () => {
  const frames = integrateEventFrames(small, { frames: 3, splitBy: 'time' });
  const expected = [
    [
      [
        [0, 2],
        [1, 0],
        [0, 0],
        [0, 0],
      ],
      zeroRow,
    ],
    [
      zeroRow,
      [
        [0, 0],
        [0, 0],
        [0, 1],
        [1, 1],
      ],
    ],
    [
      zeroRow,
      [
        [0, 0],
        [0, 0],
        [0, 1],
        [0, 0],
      ],
    ],
  ];
  assert.deepEqual(Array.from(frames.data), expected.flat(3));
});

test('downsampling maps x to floor(x * W / width) and keeps every event', () => {
  const stream: EventStream = {
    x: Uint16Array.of(0, 2, 3, 127),
    y: Uint16Array.of(0, 0, 0, 127),
    p: Uint8Array.of(1, 1, 1, 0),
    t: Float64Array.of(0, 1, 2, 3),
    width: 128,
    height: 128,
  };
  const frames = integrateEventFrames(stream, { frames: 1, splitBy: 'number', size: { height: 48, width: 48 } });
  assert.deepEqual(frames.shape, [1, 48, 48, 2]);
  const at = (row: number, col: number, c: number) => frames.data[(row * 48 + col) * 2 + c];
  assert.equal(at(0, 0, 1), 2); // x 0 and x 2 (2 * 48 / 128 = 0.75)
  assert.equal(at(0, 1, 1), 1); // x 3 (1.125)
  assert.equal(at(47, 47, 0), 1); // x, y 127 (47.625)
  assert.equal(
    frames.data.reduce((a, b) => a + b, 0),
    4,
  );
});

function randomStream(seed: number, n: number): EventStream {
  const rng = new Rng(seed);
  let tUs = 0;
  return {
    x: Uint16Array.from({ length: n }, () => rng.int(128)),
    y: Uint16Array.from({ length: n }, () => rng.int(128)),
    p: Uint8Array.from({ length: n }, () => rng.int(2)),
    t: Float64Array.from({ length: n }, () => (tUs += rng.int(100))),
    width: 128,
    height: 128,
  };
}

function frameSums(data: Float32Array, frames: number): number[] {
  const per = data.length / frames;
  return Array.from({ length: frames }, (_, f) => data.subarray(f * per, (f + 1) * per).reduce((a, b) => a + b, 0));
}

/** Events per frame by the definition: equal windows of (t_max - t_min) / T, the last one closed. */
function countsInWindows(t: Float64Array, frames: number): number[] {
  const tMin = t[0];
  const span = t[t.length - 1] - tMin;
  return Array.from({ length: frames }, (_, f) => {
    const lo = tMin + (f * span) / frames;
    const hi = tMin + ((f + 1) * span) / frames;
    return t.filter((v) => v >= lo && (v < hi || (f === frames - 1 && v <= hi))).length;
  });
}

test('counts sum to the number of events; by-number frames hold equal counts; by-time frames hold their windows', () => {
  for (const [seed, n, frames] of [
    [1, 1000, 10],
    [2, 1003, 7],
    [3, 50, 16],
  ]) {
    const stream = randomStream(seed, n);
    for (const splitBy of ['number', 'time'] as FrameSplit[]) {
      for (const size of [undefined, { height: 32, width: 32 }]) {
        const { data } = integrateEventFrames(stream, { frames, splitBy, size });
        assert.equal(
          data.reduce((a, b) => a + b, 0),
          n,
          `${splitBy} ${n} events`,
        );
      }
    }
    const byNumber = frameSums(integrateEventFrames(stream, { frames, splitBy: 'number' }).data, frames);
    const per = Math.floor(n / frames);
    assert.deepEqual(byNumber, [...Array(frames - 1).fill(per), n - per * (frames - 1)]);
    const byTime = frameSums(integrateEventFrames(stream, { frames, splitBy: 'time' }).data, frames);
    assert.deepEqual(byTime, countsInWindows(stream.t, frames));
  }
});

test('integrateEventFrames names bad options', () => {
  assert.throws(
    () => integrateEventFrames(small, { frames: 0, splitBy: 'number' }),
    /frames is 0; expected a positive integer/,
  );
  assert.throws(
    () => integrateEventFrames(small, { frames: 2, splitBy: 'bins' as FrameSplit }),
    /splitBy 'bins' is unknown/,
  );
  assert.throws(
    () => integrateEventFrames(small, { frames: 2, splitBy: 'time', size: { height: 3, width: 4 } }),
    /size 3x4 \(HxW\) is invalid; expected positive integers at most the sensor's 2x4/,
  );
  assert.throws(
    () => integrateEventFrames({ ...small, width: 3 }, { frames: 2, splitBy: 'time' }),
    /event 3 at \(x 3, y 1\) lies outside the 3x2 sensor/,
  );
});

test('real N-MNIST recording splits into equal-count and equal-duration frames', { skip: samplesSkip }, () => {
  const events = readAtisBin(sampleBytes('nmnist_sample_tonic.bin'), { sensorSize: { width: 34, height: 34 } });
  const byNumber = integrateEventFrames(events, { frames: 5, splitBy: 'number' });
  assert.deepEqual(byNumber.shape, [5, 34, 34, 2]);
  assert.deepEqual(frameSums(byNumber.data, 5), [865, 865, 865, 865, 865]);
  const byTime = integrateEventFrames(events, { frames: 10, splitBy: 'time' });
  assert.deepEqual(frameSums(byTime.data, 10), countsInWindows(events.t, 10));
  const onTotal = byTime.data.filter((_, k) => k % 2 === 1).reduce((a, b) => a + b, 0);
  assert.equal(onTotal, 2145);
});
