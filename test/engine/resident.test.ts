// Inference with resident activations (lib/models/resident-block.ts): consecutive blocks as one engine op, the
// stem's conv once per image, give the logits of the layers run one by one on the engine, to the bit, and those
// of tfjs's own ops within float tolerance, at batch 1 and 3, on 1 and 2 threads; they count the same
// accumulates, enter the same split points, and pack spikes at most once a pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  AccumulateCounter,
  kernelPool,
  spikingResNet18,
  spikingResNet50,
  useEngineKernels,
  useEngineThreads,
  withArena,
  type ForwardObserver,
  type SplittableModel,
} from 'spikesplit';
import { spikesDownTo } from '../../lib/engine/resident';
import { engineTestSession } from './engine-session';

engineTestSession();

/** An observer of every conv's tensors: the blocks then run layer by layer. */
const layerByLayer: ForwardObserver = { weightLayer: () => undefined };

/** A small network whose running statistics are one batch's, so that it fires as a trained one does. */
function calibrated(make: typeof spikingResNet18, B: number): { model: SplittableModel; x: tf.Tensor } {
  const model = make({ width: 1 / 8, T: 4, classes: 10, momentum: 1, seed: 3 });
  const x = tf.randomUniform([B, 32, 32, 3], 0, 1, 'float32', 11);
  tf.tidy(() => void model.forward(x, { training: true }));
  return { model, x };
}

function logits(model: SplittableModel, x: tf.Tensor, observer?: ForwardObserver): Float32Array {
  return tf.tidy(() => model.forward(x, { observer }).dataSync() as Float32Array);
}

for (const [make, B] of [
  [spikingResNet18, 1],
  [spikingResNet18, 3],
  [spikingResNet50, 1],
  [spikingResNet50, 2],
] as const) {
  test(`${make.name} at batch ${B}: resident blocks give the layer-by-layer logits to the bit, and tfjs's within 1e-5`, () => {
    const { model, x } = calibrated(make, B);
    for (const threads of [1, 2]) {
      useEngineThreads(threads);
      const resident = logits(model, x);
      assert.deepEqual(logits(model, x), resident, 'a filter kept at the second pass');
      const split = tf.tidy(() => model.forwardFrom(model.forwardTo(x, 'RB3'), 'RB3').dataSync() as Float32Array);
      assert.deepEqual(split, resident, 'split at RB3: two chains');
      assert.deepEqual(logits(model, x, layerByLayer), resident, `layer by layer, ${threads} threads`);
      useEngineKernels(false);
      const plain = logits(model, x);
      useEngineKernels(true);
      const scale = Math.max(...plain.map(Math.abs));
      resident.forEach((v, i) =>
        assert.ok(Math.abs(v - plain[i]) <= 1e-5 * scale, `logit ${i}: ${v} against ${plain[i]}`),
      );
    }
    model.dispose();
    x.dispose();
  });
}

test('resident blocks count the accumulates of the layer-by-layer pass, enter the same split points, pack at most once a pass, and see new weights', () => {
  useEngineThreads(2);
  const { model, x } = calibrated(spikingResNet18, 2);
  const counts = (observer: ForwardObserver, counter: AccumulateCounter) => {
    counter.clear();
    logits(model, x, observer);
    return counter.read();
  };
  const counter = new AccumulateCounter();
  const resident = counts(counter, counter);
  assert.deepEqual(resident, counts({ ...layerByLayer, accumulates: counter.accumulates.bind(counter) }, counter));
  assert.ok(resident.every((l) => l.forward > 0));
  const entered = (observer: ForwardObserver) => {
    const points: (string | null)[] = [];
    logits(model, x, { ...observer, splitPoint: (p) => points.push(p) });
    return points;
  };
  const points = entered({});
  assert.deepEqual(points, entered(layerByLayer), 'split points entered in the same order');
  assert.deepEqual(points, ['RB1', ...model.splitPoints, null]);

  const pool = kernelPool();
  const run = pool.run;
  const packs = (pass: () => void) => {
    let n = 0;
    pool.run = (kernel, args) => {
      if (kernel === 'pack') n++;
      run.call(pool, kernel, args);
    };
    try {
      pass();
    } finally {
      pool.run = run;
    }
    return n;
  };
  assert.equal(
    packs(() => logits(model, x)),
    0,
    "no pack: the stem's LIF writes its spikes packed, and each block's hands them on",
  );
  assert.equal(
    packs(() => logits(model, x, layerByLayer)),
    8 * 2 + 3,
    'one a spike conv',
  );
  const h = tf.tidy(() => model.forwardTo(x, 'RB1'));
  assert.equal(
    packs(() => tf.tidy(() => void model.forwardFrom(h, 'RB1').dataSync())),
    1,
    'spikes that come in as a tensor are packed once',
  );
  h.dispose();

  const conv = model.namedVariables().find((v) => v.name === 'RB5.conv2.weight')!.variable;
  logits(model, x); // kept by now
  conv.assign(tf.mul(conv, -1));
  assert.deepEqual(logits(model, x), logits(model, x, layerByLayer), 'after the filter was assigned');
  model.dispose();
  x.dispose();
});

test('spikes moved down a chain keep their bits and floats, in either order in memory, and free what follows', () => {
  const pool = kernelPool();
  const shape = [2, 3, 3, 40]; // 2 words of bits per pixel, 720 floats
  const [bitWords, floatCount] = [2 * 3 * 3 * 2, 2 * 3 * 3 * 40];
  for (const floatsFirst of [false, true]) {
    withArena(() => {
      const mark = pool.arenaTop;
      pool.alloc(1000); // what the block used and leaves behind
      const first = pool.alloc(floatsFirst ? floatCount * 4 : bitWords * 4);
      pool.alloc(64);
      const second = pool.alloc(floatsFirst ? bitWords * 4 : floatCount * 4);
      const [bitsAt, floatsAt] = floatsFirst ? [second, first] : [first, second];
      const bits = Uint32Array.from({ length: bitWords }, (_, i) => (i * 2654435761) >>> 0);
      const floats = Float32Array.from({ length: floatCount }, (_, i) => i % 2);
      new Uint32Array(pool.memory.buffer, bitsAt, bitWords).set(bits);
      pool.f32(floatsAt, floatCount).set(floats);
      const moved = spikesDownTo(pool, { shape, bits: bitsAt, floats: floatsAt }, mark);
      assert.equal(Math.min(moved.bits, moved.floats), mark);
      assert.deepEqual(new Uint32Array(pool.memory.buffer, moved.bits, bitWords), bits);
      assert.deepEqual(pool.f32(moved.floats, floatCount), floats);
      assert.equal(pool.arenaTop, mark + floatCount * 4 + bitWords * 4, 'nothing kept after them');
    });
  }
});

test('a chain past its memory bound moves its spikes down between blocks and still gives the same logits', () => {
  useEngineThreads(1);
  const { model, x } = calibrated(spikingResNet18, 48);
  const pool = kernelPool();
  const move = pool.move;
  let moves = 0;
  pool.move = (to, from, bytes) => {
    moves++;
    move.call(pool, to, from, bytes);
  };
  try {
    const resident = logits(model, x);
    assert.ok(moves > 0, 'the chain moved its spikes down');
    assert.deepEqual(resident, logits(model, x, layerByLayer));
  } finally {
    pool.move = move;
  }
  model.dispose();
  x.dispose();
});
