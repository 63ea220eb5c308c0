// tdBN's per-channel sums on the engine against sums written out in f64, and their independence of the
// thread count: the threads take runs of rows in whatever order they get to them, the totals add the runs in
// their own order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { channelSumsKernel, Rng, useEngineThreads } from 'spikesplit';
import { engineTestSession } from './engine-session';

engineTestSession();

const ROWS = 700; // three runs of rows, the last one short
const C = 6; // the last quad of a row half full

function values(rng: Rng): Float32Array {
  return Float32Array.from({ length: ROWS * C }, () => rng.normal() * 2 + 1);
}

test('the channel sums are the sums of u and of u * (v - shift), channel by channel', () => {
  const rng = new Rng(3);
  const [u, v] = [values(rng), values(rng)];
  const shift = [0.5, -1, 2, 0, 1.5, -0.25];
  const [s, q] = channelSumsKernel(tf.tensor2d(u, [ROWS, C]), tf.tensor2d(v, [ROWS, C]), tf.tensor1d(shift));
  const [sums, products] = [s.dataSync(), q.dataSync()];
  for (let c = 0; c < C; c++) {
    let sum = 0,
      product = 0;
    for (let r = 0; r < ROWS; r++) {
      sum += u[r * C + c];
      product += u[r * C + c] * (v[r * C + c] - shift[c]);
    }
    assert.ok(Math.abs(sums[c] - sum) <= 1e-5 * ROWS * 3, `channel ${c}: sum ${sums[c]} vs ${sum}`);
    assert.ok(Math.abs(products[c] - product) <= 1e-5 * ROWS * 9, `channel ${c}: ${products[c]} vs ${product}`);
  }
});

test('the channel sums are the same on 1, 2 and 3 threads, to the bit', () => {
  const rng = new Rng(4);
  const x = tf.tensor2d(values(rng), [ROWS, C]);
  const at = (threads: number) => {
    useEngineThreads(threads);
    return channelSumsKernel(x, x, tf.zeros([C]) as tf.Tensor1D).map((t) => Array.from(t.dataSync()));
  };
  const one = at(1);
  assert.deepEqual(at(2), one);
  assert.deepEqual(at(3), one);
});
