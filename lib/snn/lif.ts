/**
 * The iterative leaky integrate-and-fire neuron of Wu et al. (SpikeBottleNet eqs. 1-3):
 *   h[t] = decay * u[t-1] + x[t]        membrane before firing
 *   o[t] = H(h[t] - Vth)                spike (surrogate gradient in the backward pass)
 *   u[t] = h[t] * (1 - o[t])            hard reset to 0 (the paper), or
 *   u[t] = h[t] - Vth * o[t]            soft reset (subtract the threshold),
 * which is u[t] = decay * u[t-1] * (1 - o[t-1]) + x[t] written with the post-reset state. With `detachReset`
 * the o[t] of the reset term carries no gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { engineKernelsEnabled } from '../engine/engine';
import { lifBackwardKernel, lifForwardKernel, type LifKernelParams } from '../engine/lif-kernels';
import { Module, Run } from './module';
import { stopGradient } from './stop-gradient';
import { rectangularSurrogate, Surrogate } from './surrogate';
import { foldTime, unfoldTime } from './time';

export interface LifParams {
  /** Membrane decay per step, in (0, 1] (a factor, not a time constant). */
  readonly decay: number;
  /** Firing threshold Vth. */
  readonly vth: number;
  readonly reset: 'hard' | 'soft';
  /** Cut the gradient through the reset term. */
  readonly detachReset: boolean;
  readonly surrogate: Surrogate;
}

/** Defaults of the STBP-tdBN line of work: decay 0.25, Vth 0.5, hard reset, rectangular window a = 1. */
export function lifParams(p: Partial<LifParams> = {}): LifParams {
  const params: LifParams = {
    decay: p.decay ?? 0.25,
    vth: p.vth ?? 0.5,
    reset: p.reset ?? 'hard',
    detachReset: p.detachReset ?? false,
    surrogate: p.surrogate ?? rectangularSurrogate(),
  };
  if (!(params.decay > 0 && params.decay <= 1))
    throw new RangeError(`LIF decay must be in (0, 1], got ${params.decay}`);
  if (!(Number.isFinite(params.vth) && params.vth > 0))
    throw new RangeError(`LIF vth must be a positive number, got ${params.vth}`);
  if (params.reset !== 'hard' && params.reset !== 'soft')
    throw new RangeError(`LIF reset must be 'hard' or 'soft', got '${params.reset}'`);
  return params;
}

/** One step: input current `x` and post-reset membrane `u` (same shape) -> spikes and the next post-reset membrane. */
export function lifStep(x: tf.Tensor, u: tf.Tensor, p: LifParams): { spike: tf.Tensor; u: tf.Tensor } {
  return tf.tidy(() => {
    const h = tf.add(tf.mul(u, p.decay), x);
    const spike = p.surrogate.spike(tf.sub(h, p.vth));
    const r = p.detachReset ? stopGradient(spike) : spike;
    const next = p.reset === 'hard' ? tf.mul(h, tf.sub(1, r)) : tf.sub(h, tf.mul(r, p.vth));
    return { spike, u: next };
  });
}

/**
 * All T steps of time-folded input `x` `[T*B, ...]` from membrane `u0` `[B, ...]` (default 0): spikes
 * `[T*B, ...]` and the final post-reset membrane `[B, ...]`.
 */
export function lifMultiStep(
  x: tf.Tensor,
  T: number,
  p: LifParams,
  u0?: tf.Tensor,
): { spikes: tf.Tensor; u: tf.Tensor } {
  return tf.tidy(() => {
    const steps = tf.unstack(unfoldTime(x, T)); // T x [B, ...]
    let u = u0 ?? tf.zerosLike(steps[0]);
    const spikes: tf.Tensor[] = [];
    for (const xt of steps) {
      const out = lifStep(xt, u, p);
      spikes.push(out.spike);
      u = out.u;
    }
    return { spikes: foldTime(tf.stack(spikes)), u };
  });
}

/**
 * The spikes of `lifMultiStep` from rest, `[T*B, ...]` -> `[T*B, ...]`: what the LIF layer runs. The engine's
 * kernels (lib/engine/lif-kernels.ts) do the recurrence on every thread, with a hand-written backward pass
 * through time, one gradient-tape node per layer: the recurrence is sequential in t and memory-bound, while
 * tensor ops would need a slice per step (slow on wasm) and record ~7 ops per step, each of whose output
 * gradients tfjs keeps until the backward pass ends. The backward pass recomputes the membranes h from the
 * input, which the tape keeps anyway, so the layer keeps no copy of its own. With the engine's kernels off (`useEngineKernels`), it is
 * `lifMultiStep`'s tensor ops, differentiated by autodiff.
 * With s = H(h - Vth) and du the gradient reaching u[t] from step t+1 (du = decay dh[t+1], 0 after the last step):
 *   dh[t] = (ds[t] + du * du/ds) * g'(h[t] - Vth) + du * du/dh,
 *   hard reset: du/ds = -h[t], du/dh = 1 - s[t];  soft: du/ds = -Vth, du/dh = 1;  detached: du/ds = 0;
 * and dx[t] = dh[t]. Tests check it against autodiff of `lifStep`.
 */
export function lifSpikes(x: tf.Tensor, T: number, p: LifParams): tf.Tensor {
  const rows = x.shape[0];
  if (!Number.isInteger(T) || T < 1 || rows % T !== 0) {
    throw new RangeError(`LIF expects [T*B, ...] with T = ${T} dividing the rows, got shape [${x.shape.join(', ')}]`);
  }
  if (!engineKernelsEnabled()) return lifMultiStep(x, T, p).spikes;
  const kernel = lifKernelParams(p);
  const forward = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([input]);
    return {
      value: lifForwardKernel(input, T, kernel),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => lifBackwardKernel(saved, dy, T, kernel),
    };
  });
  return forward(x);
}

/** The engine kernels' view of `p` (lib/engine/lif-kernels.ts). */
export function lifKernelParams(p: LifParams): LifKernelParams {
  const { name, params } = p.surrogate;
  return {
    decay: p.decay,
    vth: p.vth,
    hard: p.reset === 'hard',
    detachReset: p.detachReset,
    surrogate: { kind: name, param: name === 'rectangular' ? params.a : params.alpha },
  };
}

/** A layer of LIF neurons over `[T*B, ...]`; every forward starts from rest, so passes never share state. */
export class LIF extends Module {
  readonly params: LifParams;

  constructor(name: string, params: Partial<LifParams> = {}) {
    super(name);
    this.params = lifParams(params);
  }

  forward(x: tf.Tensor, run: Run): tf.Tensor {
    const spikes = lifSpikes(x, run.T, this.params);
    run.observer?.activation?.(this.name, spikes, true, run);
    return spikes;
  }

  outShape(inShape: readonly number[]): number[] {
    return [...inShape];
  }
}
