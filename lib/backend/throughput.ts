/**
 * Matrix-product timing on the active backend, the smoke test of notebook 00 (a benchmark is
 * `npm run bench -- backend`): an n×n by n×n float32 product counts 2n³ floating-point operations.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The median time of `fn` in seconds: one warm-up run, then runs for `budgetS` seconds (five at least). */
export function medianSeconds(fn: () => void, budgetS = 0.25): number {
  fn(); // warm-up
  const times: number[] = [];
  for (let spentS = 0; times.length < 5 || spentS < budgetS;) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1e3);
    spentS += times[times.length - 1];
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

export interface MatmulTiming {
  n: number;
  /** 2n³. */
  flop: number;
  /** Median time of one product, data read back. */
  seconds: number;
}

/** The median time of an n×n by n×n product of random normals at each size. */
export function matmulTimings(sizes: readonly number[], budgetS = 0.25): MatmulTiming[] {
  return sizes.map((n) => {
    const a = tf.randomNormal([n, n]);
    const b = tf.randomNormal([n, n]);
    const seconds = medianSeconds(() => {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    }, budgetS);
    tf.dispose([a, b]);
    return { n, flop: 2 * n ** 3, seconds };
  });
}
