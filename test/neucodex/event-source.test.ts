import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  createModel,
  crossEntropy,
  emulateDvs,
  emulatedEventSource,
  frameEncoder,
  initBackend,
  integrateEventFrames,
  loadCifar10,
  type ImageDataset,
} from 'spikesplit';

let sample: ImageDataset;

before(async () => {
  await initBackend('wasm', () => {});
  sample = await loadCifar10({ split: 'test', source: 'sample' });
});

test('emulated event source: frames folded time-major, each the integrated emulation of its image', () => {
  const T = 3;
  const source = emulatedEventSource(sample, { T, seed: 2 });
  assert.equal(source.count, sample.count);
  assert.equal(source.classes, 10);
  const indices = [5, 0, 17];
  const { x, labels } = source.batch(indices);
  assert.deepEqual(x.shape, [T * 3, 32, 32, 2]);
  assert.deepEqual(
    [...labels.dataSync()],
    indices.map((i) => sample.labels[i]),
  );
  const values = x.dataSync();
  assert.ok(
    values.every((v) => v === 0 || v === 1),
    'binary frames',
  );
  assert.ok(
    values.some((v) => v === 1),
    'the emulated camera motion produces events',
  );
  // row t*B + b holds frame t of sample b, as the emulator and the integrator give it for the documented seed
  const frameValues = 32 * 32 * 2;
  indices.forEach((i, b) => {
    const image = sample.images.subarray(i * 32 * 32 * 3, (i + 1) * 32 * 32 * 3);
    const frames = integrateEventFrames(emulateDvs(image, [32, 32, 3], { seed: 2 * 1_000_003 + i }), {
      frames: T,
      splitBy: 'number',
      binary: true,
    }).data;
    for (let t = 0; t < T; t++) {
      const row = values.subarray((t * 3 + b) * frameValues, (t * 3 + b + 1) * frameValues);
      assert.deepEqual(
        [...row],
        [...frames.subarray(t * frameValues, (t + 1) * frameValues)],
        `frame ${t} of sample ${i}`,
      );
    }
  });
  const again = source.batch(indices).x;
  assert.deepEqual([...again.dataSync()], [...values], 'a batch is the same whenever it is drawn');
  assert.throws(() => source.batch([200]), /index 200 at position 0 is outside \[0, 200\)/);
  tf.dispose([x, labels, again]);
});

test('a tiny ResNet-18 with the frames encoder runs forward and backward on emulated event frames', () => {
  const T = 2;
  const source = emulatedEventSource(sample, { T, seed: 1 });
  const model = createModel('resnet18', {
    width: 1 / 16,
    T,
    classes: 10,
    encoder: frameEncoder(),
    inputShape: [32, 32, 2],
    seed: 4,
  });
  const { x, labels } = source.batch([0, 1, 2, 3]);
  const steps = model.forwardSteps(x);
  assert.deepEqual(steps.shape, [T, 4, 10]);
  const atRB4 = model.forwardTo(x, 'RB4');
  assert.deepEqual(atRB4.shape, [T * 4, 16, 16, 8]);
  const { value, grads } = tf.variableGrads(
    () => crossEntropy(model.forward(x, { training: true }), labels),
    model.trainableVariables(),
  );
  assert.ok(Number.isFinite(value.dataSync()[0]));
  const stem = model.namedVariables().find((v) => v.name === 'stem.conv.weight')!.variable;
  assert.deepEqual(stem.shape.slice(2), [2, stem.shape[3]], 'the stem reads the two polarity channels');
  const g = grads[stem.name].dataSync();
  assert.ok(g.every(Number.isFinite) && g.some((v) => v !== 0), 'the stem gets a finite, non-zero gradient');
  assert.throws(
    () => tf.tidy(() => model.forward(tf.zeros([3, 32, 32, 2]))),
    /expected frames input \[T\*B, 32, 32, 2\] \(T = 2\), got shape \[3, 32, 32, 2\]/,
  );
  tf.dispose([x, labels, steps, atRB4, value, ...Object.values(grads)]);
  model.dispose();
});

test('the frame cache: each recording is emulated once, and cached frames equal freshly emulated ones (binary and counts)', () => {
  const T = 4;
  const indices = [3, 9, 3, 40];
  for (const binary of [true, false]) {
    const source = emulatedEventSource(sample, { T, seed: 5, binary });
    const first = source.batch(indices);
    assert.equal(source.emulated, 3, 'index 3 twice in one batch is emulated once');
    const cached = source.batch(indices);
    assert.equal(source.emulated, 3, 'a second draw emulates nothing');
    const fresh = emulatedEventSource(sample, { T, seed: 5, binary }).batch(indices);
    const values = first.x.dataSync();
    assert.deepEqual(
      [...cached.x.dataSync()],
      [...values],
      `cached ${binary ? 'binary' : 'count'} frames equal the first draw`,
    );
    assert.deepEqual([...fresh.x.dataSync()], [...values], `and a fresh source's`);
    if (!binary)
      assert.ok(
        values.some((v) => v > 1),
        'count frames keep counts above 1',
      );
    const image = sample.images.subarray(9 * 32 * 32 * 3, 10 * 32 * 32 * 3);
    assert.equal(source.eventCount(9), emulateDvs(image, [32, 32, 3], { seed: 5 * 1_000_003 + 9 }).x.length);
    assert.throws(() => source.eventCount(-1), /index -1 at position 0 is outside \[0, 200\)/);
    tf.dispose([first, cached, fresh]);
  }
});
