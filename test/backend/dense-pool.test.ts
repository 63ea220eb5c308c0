// The dense pool splits a convolution's input gradient by batch rows across worker threads: the result must
// equal one thread's, and the cpu backend's (an independent implementation).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { engineThreads, initBackend, Rng, useEngineThreads } from 'spikesplit';

after(() => {
  useEngineThreads(engineThreads());
});

function random(shape: number[], rng: Rng): Float32Array {
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  return v;
}

test('the input gradient split across 1, 2 and 3 threads equals one thread and the cpu backend', async () => {
  const rng = new Rng(11);
  for (const { dy, w, x, stride, pad } of [
    { dy: [5, 8, 8, 6], w: [3, 3, 4, 6], x: [5, 8, 8, 4], stride: 1, pad: 1 },
    { dy: [7, 4, 5, 3], w: [3, 3, 9, 3], x: [7, 8, 9, 9], stride: 2, pad: 1 },
    { dy: [4, 6, 6, 8], w: [1, 1, 5, 8], x: [4, 6, 6, 5], stride: 1, pad: 0 },
  ]) {
    const dyv = random(dy, rng),
      wv = random(w, rng);
    const gradient = () =>
      tf.tidy(
        () =>
          tf
            .conv2dTranspose(tf.tensor4d(dyv, dy as never), tf.tensor4d(wv, w as never), x as never, stride, pad)
            .dataSync() as Float32Array,
      );
    await initBackend('cpu', () => undefined);
    const cpu = gradient();
    await initBackend('wasm', () => undefined);
    const per = [1, 2, 3].map((threads) => {
      useEngineThreads(threads);
      return gradient();
    });
    const scale = Math.max(...cpu.map(Math.abs));
    for (const [i, got] of per.entries()) {
      const err = Math.max(...got.map((v, j) => Math.abs(v - cpu[j]))) / scale;
      assert.ok(err <= 1e-5, `${i + 1} thread(s), dy [${dy}]: relative error ${err} against the cpu backend`);
    }
    assert.deepEqual(Array.from(per[2]), Array.from(per[0]), `dy [${dy}]: 3 threads give one thread's values`);
  }
});
