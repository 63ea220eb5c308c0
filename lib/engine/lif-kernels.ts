/**
 * The LIF recurrence over T steps (lib/snn/lif.ts states it) on the engine's threads. The backward pass
 * recomputes the membranes from the forward pass's input, which the tape keeps anyway, so the forward pass
 * keeps nothing of its own.
 */
import * as tf from '@tensorflow/tfjs-core';
import { withArena } from './engine';
import { F32, type KernelPool } from './pool';
import { copyIn, tensorAt } from './transfer';

export interface LifKernelParams {
  /** Membrane decay per step, in (0, 1]. */
  readonly decay: number;
  readonly vth: number;
  readonly hard: boolean;
  readonly detachReset: boolean;
  /** The surrogate's derivative, as lib/snn/surrogate.ts defines it: rectangular (width a) or sigmoid/arctan (alpha). */
  readonly surrogate: { readonly kind: 'rectangular' | 'sigmoid' | 'arctan'; readonly param: number };
}

const SURROGATES = ['rectangular', 'sigmoid', 'arctan'] as const;

/**
 * Where `lifAt` writes the spikes of input current `[T, P, C]` (P pixels of C channels a step): floats
 * `[T, P, C]` and/or bits `[T*P, ceil(C / 32)]` (assembly/spikes.ts's packing); 0 for neither.
 */
export interface LifOutputs {
  readonly spikes: number;
  readonly bits: number;
}

/**
 * How `lifAt` reads its input current: first mapped per channel, x' = a[c] x + d[c] (the `[C]` quads at `a`,
 * `d`; a = 0: x' = x), plus the floats at `plus` `[T, P, C]` (when not 0): an inference-mode tdBN and a
 * residual addition applied on the way in, with the same f32 operations in the same order as the separate
 * ops. `repeated`: x holds one step's current `[P, C]`, the same at every step.
 */
export interface LifInput {
  readonly a: number;
  readonly d: number;
  readonly plus: number;
  readonly repeated?: boolean;
}

/** The LIF over T steps from rest, in the engine's memory, of the input current at `x` `[T, P, C]`. */
export function lifAt(
  pool: KernelPool,
  x: number,
  [T, P, C]: readonly [number, number, number],
  p: LifKernelParams,
  out: LifOutputs,
  { a, d, plus, repeated }: LifInput = { a: 0, d: 0, plus: 0 },
): void {
  pool.run('lifForward', [
    x,
    T,
    P,
    C,
    new F32(p.decay),
    new F32(p.vth),
    p.hard ? 1 : 0,
    a,
    d,
    plus,
    out.spikes,
    out.bits,
    repeated ? 1 : 0,
  ]);
}

/** Spikes `[T*B, ...]` of time-folded `x` from rest. */
export function lifForwardKernel(x: tf.Tensor, T: number, p: LifKernelParams): tf.Tensor {
  return withArena((pool) => {
    const xs = copyIn(pool, x);
    const spikes = pool.alloc(x.size * 4);
    const C = x.shape[x.rank - 1];
    lifAt(pool, xs, [T, x.size / T / C, C], p, { spikes, bits: 0 });
    return tensorAt(pool, spikes, x.shape);
  });
}

/** dL/dx from the forward pass's input `x` and dL/dspikes `dy`. */
export function lifBackwardKernel(x: tf.Tensor, dy: tf.Tensor, T: number, p: LifKernelParams): tf.Tensor {
  return withArena((pool) => {
    const xs = copyIn(pool, x);
    const dys = copyIn(pool, dy);
    const dx = pool.alloc(dy.size * 4);
    const kind = SURROGATES.indexOf(p.surrogate.kind);
    pool.run('lifBackward', [
      xs,
      dys,
      T,
      dy.size / T,
      new F32(p.decay),
      new F32(p.vth),
      p.hard ? 1 : 0,
      p.detachReset ? 1 : 0,
      kind,
      new F32(p.surrogate.param),
      dx,
    ]);
    return tensorAt(pool, dx, dy.shape);
  });
}
