import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  createModel,
  directLifMaps,
  grayImage,
  ImageDataset,
  initBackend,
  intensityMap,
  lifParams,
  mapAt,
  poissonMaps,
  rateMap,
  rowTrains,
  stemFiringMaps,
} from 'spikesplit';

before(async () => {
  await initBackend('cpu', () => {});
});

test('grayImage is the BT.601 luma of one image of a data set, in [0, 1]', () => {
  // Two 1x2 RGB images: black, black; then red, white.
  const set = new ImageDataset({
    images: new Uint8Array([0, 0, 0, 0, 0, 0, 255, 0, 0, 255, 255, 255]),
    labels: new Uint8Array([0, 1]),
    classes: ['a', 'b'],
    height: 1,
    width: 2,
    channels: 3,
    source: 'hand-made',
  });
  const [red, white] = grayImage(set, 1);
  assert.ok(Math.abs(red - 0.299) < 1e-7 && Math.abs(white - 1) < 1e-7, `red ${red}, white ${white}`);
  assert.deepEqual(Array.from(grayImage(set, 0)), [0, 0]);
  assert.throws(() => grayImage(set, 2), /grayImage: image 2 of hand-made; expected 0 to 1/);
});

test('a series of maps: a step as rows, the rate over steps, one row as spike trains', () => {
  // 2 steps of a 2x3 map.
  const series = { steps: 2, height: 2, width: 3, values: new Float32Array([1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1]) };
  assert.deepEqual(mapAt(series, 1), [
    [1, 1, 0],
    [0, 0, 1],
  ]);
  assert.deepEqual(mapAt(rateMap(series), 0), [
    [1, 0.5, 0.5],
    [0, 0, 1],
  ]);
  assert.deepEqual(rowTrains(series, 1), { steps: 2, neurons: 3, values: [0, 0, 1, 0, 0, 1] });
  assert.throws(() => rowTrains(series, 2), /rowTrains: row 2; expected 0 to 1/);
  assert.throws(() => intensityMap(new Float32Array(5), 2, 3), /intensityMap: 5 values; expected height x width = 6/);
});

test('direct encoding into LIF neurons (decay 0.25, Vth 0.5, hard reset) fires as eqs. 1-3 say', () => {
  // Intensity 1 fires at every step; 0 never; 0.45 every second step (h = 0.45, then 0.1125 + 0.45 >= 0.5, reset);
  // 0.3 never (h tends to 0.3 / 0.75 = 0.4 < 0.5).
  const image = intensityMap(new Float32Array([1, 0, 0.45, 0.3]), 2, 2);
  const spikes = directLifMaps(image, 4, lifParams());
  assert.deepEqual(rowTrains(spikes, 0).values, [1, 0, 1, 0, 1, 0, 1, 0]);
  assert.deepEqual(rowTrains(spikes, 1).values, [0, 0, 1, 0, 0, 0, 1, 0]);
});

test('Poisson maps: intensity 1 always fires, 0 never, and a seed gives the same spikes again', () => {
  const image = intensityMap(new Float32Array([1, 0, 0.5, 0.5]), 2, 2);
  const a = poissonMaps(image, 64, 7);
  assert.deepEqual(mapAt(rateMap(a), 0)[0], [1, 0]);
  assert.deepEqual(Array.from(poissonMaps(image, 64, 7).values), Array.from(a.values));
  const rate = mapAt(rateMap(a), 0)[1];
  assert.ok(
    rate.every((r) => r > 0.25 && r < 0.75),
    `rates of intensity 0.5 over 64 steps: ${rate}`,
  );
});

test("stemFiringMaps has the stem's output size (halved by stem stride 2) and its channel count", () => {
  const model = createModel('sew-resnet50', { width: 1 / 16, T: 2, stemStride: 2, classes: 10, seed: 3 });
  const x = tf.randomNormal([1, 32, 32, 3], 0, 1, 'float32', 5);
  const stem = stemFiringMaps(model, x);
  assert.deepEqual([stem.steps, stem.height, stem.width], [2, 16, 16]);
  assert.equal(stem.values.length, 2 * 16 * 16);
  assert.equal(stem.channels, 4); // 64 / 16
  assert.ok(stem.values.every((v) => v >= 0 && v <= 1));
  tf.dispose(x);
  model.dispose();
});
