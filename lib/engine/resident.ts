/**
 * Activations resident in the engine's memory, for inference: within one op (`withArena`), a residual block's
 * spike convolutions, inference-mode tdBN and LIF layers hand each other addresses, not tfjs tensors, so a
 * block copies its input in once and its output out once. tdBN's per-channel map is not applied on its own:
 * it waits on the current (`Current.affine`) until the LIF that reads it applies it, with the residual
 * addition, on the way in (lif-kernels.ts's `lifAt`); that LIF writes bit-packed spikes, which the next spike
 * convolution reads as they are. Every value is the same f32 operation in the same order as the separate ops,
 * so the outputs are those of the op-by-op path to the bit. Consecutive blocks can share one op: each hands
 * its output spikes to the next (`spikesDownTo` frees the rest), and only the last one's are copied out.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { channelAffineAt } from './channel-kernels';
import { lifAt, type LifKernelParams } from './lif-kernels';
import type { KernelPool } from './pool';
import { forwardAt, packAt, type AccumulateSink, type Geometry } from './spike-conv';
import { copyIn, quadsIn, tensorAt } from './transfer';

/** Binary spikes `[N, H, W, C]`: bit-packed at `bits`, and as floats at `floats` (0 when not written). */
export interface Spikes {
  readonly shape: readonly number[];
  readonly bits: number;
  readonly floats: number;
}

/** A per-channel map x' = a[c] x + d[c], its `[C]` quads at `a` and `d`. */
export interface ChannelMap {
  readonly a: number;
  readonly d: number;
}

/**
 * Real values `[N, H, W, C]` at `at`, to be read through `affine` (when set), plus the floats at `plus` (when
 * set); when `repeated`, `at` holds one step's values `[N / T, H, W, C]`, the same at every step.
 */
export interface Current {
  readonly shape: readonly number[];
  readonly at: number;
  readonly affine?: ChannelMap;
  readonly plus?: number;
  readonly repeated?: boolean;
}

/** Binary `x` `[N, H, W, C]` copied in and bit-packed; `name` names the layer that reads it in errors. */
export function spikesIn(pool: KernelPool, x: tf.Tensor4D, name: string): Spikes {
  const floats = copyIn(pool, x);
  return { shape: x.shape, bits: packAt(pool, floats, x.shape, Math.ceil(x.shape[3] / 32), name), floats };
}

/** One step's current `x` `[B, H, W, C]` copied in, the same at each of `T` steps: a current `[T*B, H, W, C]`. */
export function repeatedCurrentIn(pool: KernelPool, x: tf.Tensor4D, T: number): Current {
  const [B, H, W, C] = x.shape;
  return { shape: [T * B, H, W, C], at: copyIn(pool, x), repeated: true };
}

/** The spike convolution of `input` with the blocked weights at `wAt` (spike-conv.ts's `blockedWeights`). */
export function spikeConvAt(pool: KernelPool, input: Spikes, g: Geometry, wAt: number, sink?: AccumulateSink): Current {
  return { shape: [g.N, g.OH, g.OW, g.Cout], at: forwardAt(pool, input.bits, g, wAt, sink) };
}

/** `x` read through the per-channel map `a`, `d` (`[C]` each), applied by whoever reads it next. */
export function withChannelMap(pool: KernelPool, x: Current, a: Float32Array, d: Float32Array): Current {
  const current = x.affine || x.plus ? materialize(pool, x) : x.at;
  return { shape: x.shape, at: current, affine: { a: quadsIn(pool, a), d: quadsIn(pool, d) }, repeated: x.repeated };
}

/** The floats of `x` with its map applied (the channel affine kernel), or as they are. */
function materialize(pool: KernelPool, x: Current): number {
  if (x.plus !== undefined) throw new Error('resident current: a sum is only read by a LIF');
  if (x.repeated) throw new Error('resident current: a repeated current is only read by a LIF');
  if (!x.affine) return x.at;
  const [rows, C] = [x.shape[0] * x.shape[1] * x.shape[2], x.shape[3]];
  return channelAffineAt(pool, [x.at, x.at], rows, C, [x.affine.a, quadsIn(pool, new Float32Array(C)), x.affine.d]);
}

/** `x + y`, as a residual addition: y's values are made real now, the sum is formed by the LIF that reads it. */
export function residualSum(pool: KernelPool, x: Current, y: Current | Spikes): Current {
  if (x.plus !== undefined) throw new Error('resident current: a residual sum takes one addend');
  if (x.repeated) throw new Error('resident current: a repeated current is only read by a LIF');
  if (x.shape.join() !== y.shape.join())
    throw new RangeError(`residual sum: shapes [${x.shape.join(', ')}] and [${y.shape.join(', ')}] differ`);
  const plus = 'bits' in y ? y.floats : materialize(pool, y);
  if (plus === 0) throw new Error('residual sum: the spikes added have no floats');
  return { ...x, plus };
}

/** The spikes of a LIF over `T` steps from rest that reads `x` `[T*B, H, W, C]`; as floats too when `floats`. */
export function lifOf(pool: KernelPool, x: Current, T: number, p: LifKernelParams, floats: boolean): Spikes {
  const [N, H, W, C] = x.shape;
  const bits = pool.alloc(N * H * W * Math.ceil(C / 32) * 4);
  const spikes = floats ? pool.alloc(N * H * W * C * 4) : 0;
  const map = { a: x.affine?.a ?? 0, d: x.affine?.d ?? 0, plus: x.plus ?? 0, repeated: x.repeated };
  lifAt(pool, x.at, [T, (N / T) * H * W, C], p, { spikes, bits }, map);
  return { shape: x.shape, bits, floats: spikes };
}

/**
 * The spikes `s` moved down to the arena's memory from `mark` (an `arenaTop` taken before they were made),
 * everything after them freed: what a chain of blocks keeps from one block to the next.
 */
export function spikesDownTo(pool: KernelPool, s: Spikes, mark: number): Spikes {
  const [N, H, W, C] = s.shape;
  const parts: { key: 'bits' | 'floats'; at: number; bytes: number }[] = [
    { key: 'bits', at: s.bits, bytes: N * H * W * Math.ceil(C / 32) * 4 },
  ];
  if (s.floats) parts.push({ key: 'floats', at: s.floats, bytes: N * H * W * C * 4 });
  parts.sort((p, q) => p.at - q.at); // the lower first: each then moves down, onto nothing still to move
  pool.release(mark);
  const moved = { shape: s.shape, bits: 0, floats: 0 };
  for (const { key, at, bytes } of parts) {
    moved[key] = pool.alloc(bytes);
    pool.move(moved[key], at, bytes);
  }
  return moved;
}

/** The spikes `s` as a new tensor (they must have floats). */
export function spikesOut(pool: KernelPool, s: Spikes): tf.Tensor4D {
  if (!s.floats) throw new Error('resident spikes: no floats to copy out');
  return tensorAt<tf.Rank.R4>(pool, s.floats, [...s.shape]);
}
