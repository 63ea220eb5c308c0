/**
 * Per-channel sums and affine maps over `[..., C]` (the channel last) on the engine's threads
 * (assembly/channel.ts): what threshold-dependent batch normalisation (lib/snn/tdbn.ts) is made of. The sums
 * add in f32 over runs of rows and in f64 across them, in the runs' order.
 */
import * as tf from '@tensorflow/tfjs-core';
import { withArena } from './engine';
import type { KernelPool } from './pool';
import { copyIn, quadsIn, tensorAt } from './transfer';

/** `[C]` per-channel values, copied to fresh arena memory padded with zeros to whole quads. */
function quads(pool: KernelPool, t: tf.Tensor1D): number {
  return quadsIn(pool, t.dataSync() as Float32Array);
}

/** Rows a run of the sums adds in f32. */
const RUN_ROWS = 256;

/** The rows and channels of `u` `[..., C]`, which `v` must share. */
function rowsOf(u: tf.Tensor, v: tf.Tensor): [number, number] {
  if (!tf.util.arraysEqual(u.shape, v.shape))
    throw new RangeError(`channel kernels: shapes [${u.shape.join(', ')}] and [${v.shape.join(', ')}] differ`);
  const C = u.shape[u.rank - 1];
  return [u.size / C, C];
}

/** [sum of u, sum of u * (v - shift)] per channel, `[C]` each, over every row of `u`, `v` `[..., C]`. */
export function channelSumsKernel(u: tf.Tensor, v: tf.Tensor, shift: tf.Tensor1D): [tf.Tensor1D, tf.Tensor1D] {
  const [rows, C] = rowsOf(u, v);
  return withArena((pool) => {
    const us = copyIn(pool, u);
    const vs = u === v ? us : copyIn(pool, v);
    const runs = Math.ceil(rows / RUN_ROWS);
    const sums = pool.alloc(runs * 2 * C * 8);
    const scratch = pool.alloc(pool.threads * 2 * Math.ceil(C / 4) * 16);
    pool.run('channelSums', [us, vs, rows, C, quads(pool, shift), sums, scratch, RUN_ROWS]);
    const all = pool.f64(sums, runs * 2 * C);
    const total = (part: number) => {
      const out = new Float64Array(C);
      for (let k = 0; k < runs; k++) for (let c = 0; c < C; c++) out[c] += all[(k * 2 + part) * C + c];
      return tf.tensor1d(Float32Array.from(out));
    };
    return [total(0), total(1)];
  });
}

/** a * u + b * v + d with per-channel `a`, `b`, `d` `[C]`, for `u`, `v` `[..., C]`. */
export function channelAffineKernel(
  u: tf.Tensor,
  v: tf.Tensor,
  a: tf.Tensor1D,
  b: tf.Tensor1D,
  d: tf.Tensor1D,
): tf.Tensor {
  const [rows, C] = rowsOf(u, v);
  return withArena((pool) => {
    const us = copyIn(pool, u);
    const vs = u === v ? us : copyIn(pool, v);
    const out = channelAffineAt(pool, [us, vs], rows, C, [quads(pool, a), quads(pool, b), quads(pool, d)]);
    return tensorAt(pool, out, u.shape);
  });
}

/**
 * a * u + b * v + d per channel of the floats at `u`, `v` `[rows, C]` in the engine's memory, with `a`, `b`,
 * `d` `[C]` quads there, into fresh arena memory: its address.
 */
export function channelAffineAt(
  pool: KernelPool,
  [u, v]: readonly [number, number],
  rows: number,
  C: number,
  [a, b, d]: readonly [number, number, number],
): number {
  const out = pool.alloc(rows * C * 4);
  pool.run('channelAffine', [u, v, rows, C, a, b, d, out]);
  return out;
}
