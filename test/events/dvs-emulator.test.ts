import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  emulateDvs,
  EventStream,
  eventsFromIntensityFrames,
  integrateEventFrames,
  IntensityFrame,
  Rng,
  smoothLoopTrajectory,
} from 'spikesplit';

/** Frames of a 1-high sensor whose pixels follow the given log intensities L, with logOffset 1: I = e^L - 1. */
function logFrames(logs: number[][], stepUs: number): IntensityFrame[] {
  return logs.map((row, k) => ({ intensity: Float32Array.from(row, (l) => Math.exp(l) - 1), tUs: k * stepUs }));
}

function events(stream: EventStream): number[][] {
  return Array.from(stream.x, (_, i) => [stream.x[i], stream.y[i], stream.p[i], stream.t[i]]);
}

test('a brightening pixel emits ON and a darkening pixel OFF, at the interpolated crossing times', () => {
  // Pixel 0: L 0 -> 1.2, pixel 1: L 1.2 -> 0 over 1000 µs; threshold 0.5 -> crossings at L 0.5, 1.0 and 0.7, 0.2,
  // i.e. 0.5/1.2 and 1.0/1.2 of the way: 417 µs and 833 µs.
  const stream = eventsFromIntensityFrames(
    logFrames(
      [
        [0, 1.2],
        [1.2, 0],
      ],
      1000,
    ),
    { height: 1, width: 2 },
    {
      thresholdOn: 0.5,
      thresholdOff: 0.5,
      logOffset: 1,
    },
  );
  assert.deepEqual(events(stream), [
    [0, 0, 1, 417],
    [1, 0, 0, 417],
    [0, 0, 1, 833],
    [1, 0, 0, 833],
  ]);
  assert.deepEqual([stream.width, stream.height], [2, 1]);
});

test('the reference follows the events: up then back down gives as many OFF as ON events', () => {
  const stream = eventsFromIntensityFrames(
    logFrames([[0], [1.2], [1.2], [0]], 1000),
    { height: 1, width: 1 },
    {
      thresholdOn: 0.5,
      thresholdOff: 0.5,
      logOffset: 1,
    },
  );
  // Up: ON at L 0.5 (417 µs), 1.0 (833 µs), reference 1.0. Flat: nothing. Down from 1.2 at 2000 µs: OFF at L 0.5
  // (2000 + 0.7/1.2 * 1000 = 2583 µs) and 0.0 (3000 µs).
  assert.deepEqual(events(stream), [
    [0, 0, 1, 417],
    [0, 0, 1, 833],
    [0, 0, 0, 2583],
    [0, 0, 0, 3000],
  ]);
});

test('the refractory period drops crossings that come too soon after an event', () => {
  const stream = eventsFromIntensityFrames(
    logFrames([[0], [1.2], [1.2]], 1000),
    { height: 1, width: 1 },
    {
      thresholdOn: 0.5,
      logOffset: 1,
      refractoryUs: 500,
    },
  );
  assert.deepEqual(events(stream), [[0, 0, 1, 417]]); // 833 µs is within 417 + 500; the reference still moved
});

test('a static scene yields no events', () => {
  const constant = Array.from({ length: 5 }, (_, k) => ({ intensity: new Float32Array(12).fill(0.4), tUs: k * 100 }));
  assert.equal(eventsFromIntensityFrames(constant, { height: 3, width: 4 }).x.length, 0);

  const flat = new Uint8Array(16 * 16 * 3).fill(90);
  assert.equal(emulateDvs(flat, [16, 16, 3], { seed: 1, amplitudePx: 2 }).x.length, 0, 'uniform image under motion');

  const rng = new Rng(3);
  const textured = Uint8Array.from({ length: 16 * 16 }, () => rng.int(256));
  for (const thresholdSigma of [0, 0.05]) {
    const still = emulateDvs(textured, [16, 16, 1], { seed: 2, amplitudePx: 0, thresholdSigma });
    assert.equal(still.x.length, 0, `textured image without motion, thresholdSigma ${thresholdSigma}`);
  }
  assert.ok(emulateDvs(textured, [16, 16, 1], { seed: 2 }).x.length > 0, 'the same image under motion does emit');
});

/** 8x8 image, columns 0-3 bright (200), 4-7 dark (20), gray or as RGB with equal channels. */
function edgeImage(channels: 1 | 3): Uint8Array {
  return Uint8Array.from({ length: 8 * 8 * channels }, (_, k) => (Math.floor(k / channels) % 8 < 4 ? 200 : 20));
}

function linearShift(toDxPx: number, steps: number) {
  return {
    dxPx: Float64Array.from({ length: steps }, (_, i) => (toDxPx * i) / (steps - 1)),
    dyPx: new Float64Array(steps),
  };
}

test('moving a bright edge onto dark pixels gives ON events there, moving it away gives OFF events', () => {
  const options = { seed: 5, thresholdOn: 0.25, thresholdOff: 0.25, durationUs: 4000 };
  // Scene 1 px right: column 4 goes from dark to bright, nothing else changes. ln((200/255 + 0.01) / (20/255 + 0.01))
  // = 2.195, so each of its 8 pixels crosses 0.25 eight times.
  const right = emulateDvs(edgeImage(1), [8, 8, 1], { ...options, trajectory: linearShift(1, 5) });
  assert.equal(right.x.length, 64);
  assert.ok(right.p.every((p) => p === 1) && right.x.every((x) => x === 4));
  for (let row = 0; row < 8; row++) assert.equal(right.y.filter((y) => y === row).length, 8);
  assert.ok(right.t.every((t, i) => t >= 0 && t <= 4000 && (i === 0 || t >= right.t[i - 1])));
  // Scene 1 px left: column 3 goes from bright to dark.
  const left = emulateDvs(edgeImage(1), [8, 8, 1], { ...options, trajectory: linearShift(-1, 5) });
  assert.equal(left.x.length, 64);
  assert.ok(left.p.every((p) => p === 0) && left.x.every((x) => x === 3));
  // Gray RGB is the same scene.
  assert.deepEqual(
    events(emulateDvs(edgeImage(3), [8, 8, 3], { ...options, trajectory: linearShift(1, 5) })),
    events(right),
  );
});

test('the emulator is seeded and its output integrates into frames', () => {
  const rng = new Rng(9);
  const image = Uint8Array.from({ length: 32 * 32 * 3 }, () => rng.int(256));
  const options = {
    seed: 42,
    sensorSize: { height: 128, width: 128 },
    steps: 30,
    amplitudePx: 3,
    thresholdSigma: 0.03,
    refractoryUs: 100,
  };
  const a = emulateDvs(image, [32, 32, 3], options);
  const b = emulateDvs(image, [32, 32, 3], options);
  const c = emulateDvs(image, [32, 32, 3], { ...options, seed: 43 });
  assert.deepEqual(events(a), events(b));
  assert.notDeepEqual(events(a), events(c));
  assert.deepEqual([a.width, a.height], [128, 128]);
  assert.ok(a.x.length > 1000 && a.p.some((p) => p === 0) && a.p.some((p) => p === 1));
  assert.ok(a.t.every((t, i) => t >= 0 && t <= 1_000_000 && (i === 0 || t >= a.t[i - 1])));
  const frames = integrateEventFrames(a, { frames: 8, splitBy: 'time', size: { height: 48, width: 48 } });
  assert.equal(
    frames.data.reduce((s, v) => s + v, 0),
    a.x.length,
  );
});

test('smoothLoopTrajectory starts and ends at rest and reaches exactly the amplitude', () => {
  const loop = smoothLoopTrajectory(50, 1.5, new Rng(1));
  assert.equal(loop.dxPx.length, 50);
  assert.deepEqual([loop.dxPx[0], loop.dyPx[0]], [0, 0]);
  assert.ok(Math.abs(loop.dxPx[49]) < 1e-12 && Math.abs(loop.dyPx[49]) < 1e-12);
  const radii = Array.from(loop.dxPx, (dx, i) => Math.hypot(dx, loop.dyPx[i]));
  assert.ok(Math.abs(Math.max(...radii) - 1.5) < 1e-12);
  assert.deepEqual(smoothLoopTrajectory(50, 1.5, new Rng(1)), loop);
});

test('the emulator and pixel model name bad input', () => {
  assert.throws(
    () => emulateDvs(new Uint8Array(10), [2, 2, 3], { seed: 1 }),
    /image has 10 bytes; expected H\*W\*C = 12/,
  );
  assert.throws(() => emulateDvs(new Uint8Array(8), [2, 2, 2], { seed: 1 }), /shape \[2, 2, 2\] is invalid/);
  const badMotion = { dxPx: Float64Array.of(0, NaN), dyPx: Float64Array.of(0, 0) };
  assert.throws(
    () => emulateDvs(new Uint8Array(4), [2, 2, 1], { seed: 1, trajectory: badMotion }),
    /expected equal counts of at least 2, all finite/,
  );
  const frames = [
    { intensity: new Float32Array(1), tUs: 5 },
    { intensity: new Float32Array(1), tUs: 5 },
  ];
  assert.throws(
    () => eventsFromIntensityFrames(frames, { height: 1, width: 1 }),
    /frame 1 is at 5 µs; expected a finite time after 5 µs/,
  );
  assert.throws(
    () => eventsFromIntensityFrames([{ intensity: Float32Array.of(-1), tUs: 0 }], { height: 1, width: 1 }),
    /pixel 0 has intensity -1/,
  );
  assert.throws(() => eventsFromIntensityFrames([], { height: 1, width: 1 }), /no frames/);
  assert.throws(
    () => eventsFromIntensityFrames(frames, { height: 1, width: 1 }, { thresholdSigma: 0.1 }),
    /no rng was given/,
  );
  assert.throws(
    () => eventsFromIntensityFrames(frames, { height: 1, width: 1 }, { thresholdOn: 0 }),
    /thresholdOn is 0; expected a finite number > 0/,
  );
});
