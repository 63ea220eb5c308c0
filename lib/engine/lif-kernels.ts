/**
 * The LIF recurrence over T steps (lib/snn/lif.ts states it) on the engine's threads. The backward pass
 * recomputes the membranes from the forward pass's input, which the tape keeps anyway, so the forward pass
 * keeps nothing of its own.
 */
import * as tf from '@tensorflow/tfjs-core';
import { withArena } from './engine';
import { F32 } from './pool';
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

/** Spikes `[T*B, ...]` of time-folded `x` from rest. */
export function lifForwardKernel(x: tf.Tensor, T: number, p: LifKernelParams): tf.Tensor {
  return withArena((pool) => {
    const xs = copyIn(pool, x);
    const spikes = pool.alloc(x.size * 4);
    pool.run('lifForward', [xs, T, x.size / T, new F32(p.decay), new F32(p.vth), p.hard ? 1 : 0, spikes]);
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
