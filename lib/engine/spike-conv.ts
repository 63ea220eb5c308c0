/**
 * Convolutions of binary spike tensors, accumulate-only (the engine's kernels): every spike adds the weight
 * rows it selects, so the cost follows the firing rate, with no multiplies.
 * - forward: out[o, :] = sum over taps and the spikes c of the input pixel each tap reads of w[tap, c, :];
 * - filter gradient: dw[tap, c, :] = sum over output pixels o whose tap-th input pixel has spike c of dy[o, :];
 * - input gradient: dense, since dy is (tfjs's conv2dTranspose / conv2d, XNNPACK on wasm).
 * The spikes are bit-packed once in the forward pass and kept (32x smaller than float32) for the filter
 * gradient. An input value that is neither 0 nor 1 is an error naming the layer. Each pass reports the
 * accumulates it executed (spikes met x output channels) to `onAccumulates`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { weightCache, withArena } from './engine';
import type { KernelPool } from './pool';
import { copyArrayIn, copyIn, tensorAt } from './transfer';

export type SpikePass = 'forward' | 'filter-grad';
export type AccumulateSink = (accumulates: number, pass: SpikePass) => void;

export interface SpikeConvOptions {
  readonly stride: number;
  /** Zeros on each side (top/left; bottom/right follow from the output size), as tfjs's numeric pad. */
  readonly pad: number;
  /** Names the layer in errors. */
  readonly name: string;
  readonly onAccumulates?: AccumulateSink;
}

/** A convolution's shape: input `[N, H, W, Cin]`, `wpp` words of bits per input pixel, output `[N, OH, OW, Cout]`. */
export interface Geometry {
  N: number;
  H: number;
  W: number;
  Cin: number;
  wpp: number;
  k: number;
  stride: number;
  pad: number;
  OH: number;
  OW: number;
  Cout: number;
  transposed: 0 | 1;
}

/** The kernels' args[0..12]: the geometry, then the spike lists (a count and channel indices per pixel) of `bitsAt`. */
function geometryArgs(pool: KernelPool, bitsAt: number, g: Geometry): number[] {
  const pixels = g.N * g.H * g.W;
  const counts = pool.alloc(pixels * 4);
  const idx = pool.alloc(pixels * g.Cin * 2);
  pool.run('lists', [bitsAt, pixels, g.wpp, g.Cin, counts, idx]);
  return [g.N, g.H, g.W, g.Cin, g.k, g.stride, g.pad, g.OH, g.OW, g.Cout, g.transposed, counts, idx];
}

/** The convolution kernels' per-thread scratch for the taps of one output pixel (args[16]). */
function tapScratch(pool: KernelPool, g: Geometry): number {
  return pool.alloc(pool.threads * g.k * g.k * 12);
}

/** `pool.threads` per-thread f64 result slots, zeroed (a kernel adds to its thread's). */
function threadSlots(pool: KernelPool): number {
  const at = pool.alloc(pool.threads * 8);
  pool.f64(at, pool.threads).fill(0);
  return at;
}

/** Sums the per-thread f64 slots at `at`. */
function total(pool: KernelPool, at: number): number {
  return pool.f64(at, pool.threads).reduce((a, b) => a + b, 0);
}

/**
 * Bit-packs the binary floats at `xs` (`shape` `[N, H, W, C]`), `wpp` words per pixel, into fresh arena memory;
 * returns its address. Throws, naming the layer, on a value that is neither 0 nor 1.
 */
export function packAt(pool: KernelPool, xs: number, shape: readonly number[], wpp: number, name: string): number {
  const [n, h, w, c] = shape;
  const pixels = n * h * w;
  const bits = pool.alloc(pixels * wpp * 4);
  const bad = threadSlots(pool);
  pool.run('pack', [xs, pixels, c, wpp, bits, bad]);
  const nonBinary = total(pool, bad);
  if (nonBinary > 0) {
    throw new RangeError(
      `${name}: a spike convolution reads binary spikes (0 or 1), but ${nonBinary} of the ${pixels * c} input values are neither`,
    );
  }
  return bits;
}

/** Bit-packs binary `x` in the arena (`at`) and as a copy kept for the filter gradient (`bits`). */
function pack(pool: KernelPool, x: tf.Tensor4D, wpp: number, name: string): { at: number; bits: Uint32Array } {
  const at = packAt(pool, copyIn(pool, x), x.shape, wpp, name);
  return { at, bits: pool.u32(at, (x.size / x.shape[3]) * wpp).slice() };
}

/** Channels of the kernels' blocked weight layout: Cout rounded up to whole 4-channel blocks (assembly/conv.ts). */
function paddedChannels(cout: number): number {
  return Math.ceil(cout / 4) * 4;
}

/**
 * The blocked weights of the filter `w` (`[k, k, Cin, Cout]`, or tfjs's `[k, k, Cout, Cin]` of a transposed
 * convolution), kept between ops for a filter met again unchanged (weight-cache.ts); an op's first allocation.
 */
export function blockedWeights(pool: KernelPool, w: tf.Tensor, transposed: 0 | 1): number {
  const [k, , a, b] = w.shape;
  const [Cin, Cout] = transposed ? [b, a] : [a, b];
  const rows = k * k * Cin;
  return weightCache().blocked(w, transposed ? 'transposed' : 'plain', rows * paddedChannels(Cout) * 4, (at) => {
    const wKio = transposed ? tf.transpose(w, [0, 1, 3, 2]) : w;
    pool.run('relayout', [copyIn(pool, wKio), at, rows, Cout, 1]);
    if (wKio !== w) wKio.dispose();
  });
}

/** The forward pass on the spikes packed at `bitsAt`, with the blocked weights at `wAt`: the output's address. */
export function forwardAt(pool: KernelPool, bitsAt: number, g: Geometry, wAt: number, sink?: AccumulateSink): number {
  const spikes = geometryArgs(pool, bitsAt, g);
  const out = pool.alloc(g.N * g.OH * g.OW * g.Cout * 4);
  const acs = threadSlots(pool);
  pool.run('convForward', [...spikes, wAt, out, acs, tapScratch(pool, g)]);
  sink?.(total(pool, acs), 'forward');
  return out;
}

/** dL/dw in the kernels' layout `[k, k, Cin, Cout]`. */
function filterGrad(
  pool: KernelPool,
  bits: Uint32Array,
  g: Geometry,
  dy: tf.Tensor,
  sink?: AccumulateSink,
): tf.Tensor4D {
  const rows = g.k * g.k * g.Cin;
  const spikes = geometryArgs(pool, copyArrayIn(pool, bits), g);
  const dyAt = copyIn(pool, dy, 16); // the kernel's last 4-channel block may read 16 bytes past the end
  const blocked = pool.alloc(rows * paddedChannels(g.Cout) * 4);
  const acs = threadSlots(pool);
  pool.run('filterGrad', [...spikes, dyAt, blocked, acs, tapScratch(pool, g)]);
  sink?.(total(pool, acs), 'filter-grad');
  const dw = pool.alloc(rows * g.Cout * 4);
  pool.run('relayout', [blocked, dw, rows, g.Cout, 0]);
  return tensorAt<tf.Rank.R4>(pool, dw, [g.k, g.k, g.Cin, g.Cout]);
}

/**
 * The op both convolutions are, for geometry `g`: the forward pass and the filter gradient on the engine, the
 * input gradient dense (`inputGrad`); `toFilter` turns the filter gradient from the kernels' `[k, k, Cin, Cout]`
 * into the filter's own layout.
 */
function spikeOp(
  g: Geometry,
  { name, onAccumulates }: SpikeConvOptions,
  inputGrad: (dy: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor,
  toFilter: (dwKio: tf.Tensor4D) => tf.Tensor,
): (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D {
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xs, ws] = args as [tf.Tensor4D, tf.Tensor4D];
    return withArena((pool) => {
      const wAt = blockedWeights(pool, ws, g.transposed);
      const { at, bits } = pack(pool, xs, g.wpp, name);
      return {
        value: tensorAt<tf.Rank.R4>(pool, forwardAt(pool, at, g, wAt, onAccumulates), [g.N, g.OH, g.OW, g.Cout]),
        gradFunc: (dy: tf.Tensor) => [
          inputGrad(dy as tf.Tensor4D, ws),
          toFilter(withArena((p) => filterGrad(p, bits, g, dy, onAccumulates))),
        ],
      };
    });
  }) as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
}

/** The geometry of conv2d(x, w, stride, pad) for `x` `[N, H, W, Cin]` and `w` `[k, k, Cin, Cout]`. */
export function convGeometry(
  [N, H, W, Cin]: readonly number[],
  [k, , wCin, Cout]: readonly number[],
  { stride, pad, name }: Pick<SpikeConvOptions, 'stride' | 'pad' | 'name'>,
): Geometry {
  if (wCin !== Cin) throw new RangeError(`${name}: the filter reads ${wCin} channels, the input has ${Cin}`);
  const OH = Math.floor((H + 2 * pad - k) / stride) + 1,
    OW = Math.floor((W + 2 * pad - k) / stride) + 1;
  return { N, H, W, Cin, wpp: Math.ceil(Cin / 32), k, stride, pad, OH, OW, Cout, transposed: 0 };
}

/** conv2d(x, w, stride, pad) for binary `x` `[N, H, W, Cin]` and `w` `[k, k, Cin, Cout]`: `[N, OH, OW, Cout]`. */
export function spikeConv2d(x: tf.Tensor4D, w: tf.Tensor4D, options: SpikeConvOptions): tf.Tensor4D {
  const g = convGeometry(x.shape, w.shape, options);
  const [N, H, W, Cin] = x.shape;
  const op = spikeOp(
    g,
    options,
    (dy, ws) => tf.conv2dTranspose(dy, ws, [N, H, W, Cin], options.stride, options.pad),
    (dwKio) => dwKio,
  );
  return op(x, w);
}

/**
 * conv2dTranspose(x, w, outShape, stride, pad) for binary `x` `[N, H, W, Cin]` and `w` `[k, k, Cout, Cin]`
 * (tfjs's layout): output pixel o gets w[tap, :, c] from every spike c of the input pixel i with
 * o = i * stride + tap - pad.
 */
export function spikeConvTranspose2d(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  [OH, OW]: readonly [number, number],
  options: SpikeConvOptions,
): tf.Tensor4D {
  const { stride, pad, name } = options;
  const [N, H, W, Cin] = x.shape;
  const [k, , Cout, wCin] = w.shape;
  if (wCin !== Cin) throw new RangeError(`${name}: the filter reads ${wCin} channels, the input has ${Cin}`);
  const g: Geometry = { N, H, W, Cin, wpp: Math.ceil(Cin / 32), k, stride, pad, OH, OW, Cout, transposed: 1 };
  const op = spikeOp(
    g,
    options,
    (dy, ws) => tf.conv2d(dy, ws, stride, pad),
    (dwKio) => {
      const dw = tf.transpose(dwKio, [0, 1, 3, 2]);
      dwKio.dispose();
      return dw;
    },
  );
  return op(x, w);
}
