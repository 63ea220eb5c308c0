/**
 * Threshold-dependent batch normalisation (Zheng et al. 2021; SpikeBottleNet eqs. 4-5) over time-folded input
 * `[T*B, H, W, C]`: per-channel mean and variance over T, B, H, W, then
 *   y = gamma * (alpha * Vth) * (x - mean) / sqrt(var + eps) + beta,   gamma = 1, beta = 0 at start,
 * the explicit-scale form of the tdBN paper (alpha = 1 in general, 1/sqrt(2) for the two branches that meet in
 * a residual addition). With alpha * Vth = 1 it is PyTorch's BatchNorm2d, which the DNN ResNet uses.
 *
 * Training mode normalises with the batch statistics and updates the running statistics in place
 * (running = (1 - momentum) * running + momentum * batch, unbiased batch variance, as PyTorch). The running
 * statistics are non-trainable variables assigned inside the forward pass, outside anything the gradient
 * records, so a forward pass inside `tf.variableGrads(f, model.trainableVariables())` just works: the trainer
 * does nothing extra. Inference mode uses the running statistics.
 */
import * as tf from '@tensorflow/tfjs-core';
import { engineKernelsEnabled } from '../engine/engine';
import { channelAffineKernel, channelSumsKernel } from '../engine/channel-kernels';
import { Module, Run } from './module';

/**
 * [sum of u, sum of u * (v - shift)] per channel over every row of `u`, `v` `[..., C]`: the engine's kernel,
 * or tfjs's ops with the engine's kernels off.
 */
function channelSums(u: tf.Tensor, v: tf.Tensor, shift: tf.Tensor1D): [tf.Tensor1D, tf.Tensor1D] {
  if (engineKernelsEnabled()) return channelSumsKernel(u, v, shift);
  const axes = u.shape.slice(0, -1).map((_, i) => i); // every axis but the channel
  return [tf.sum(u, axes), tf.sum(tf.mul(u, tf.sub(v, shift)), axes)];
}

/** a * u + d, plus b * v if given, with per-channel `a`, `b`, `d` `[C]`, for `u`, `v` `[..., C]`. */
function channelAffine(
  u: tf.Tensor,
  a: tf.Tensor1D,
  d: tf.Tensor1D,
  plus?: { v: tf.Tensor; b: tf.Tensor1D },
): tf.Tensor {
  if (engineKernelsEnabled()) return channelAffineKernel(u, plus?.v ?? u, a, plus?.b ?? tf.zerosLike(a), d);
  const au = tf.add(tf.mul(u, a), d);
  return plus ? tf.add(au, tf.mul(plus.v, plus.b)) : au;
}

export interface TdBNOptions {
  /** 1, or 1/sqrt(2) before a residual addition. */
  readonly alpha?: number;
  /** The threshold of the neurons it feeds. */
  readonly vth?: number;
  readonly momentum?: number;
  readonly eps?: number;
}

export class TdBN extends Module {
  readonly gamma: tf.Variable; // [C]
  readonly beta: tf.Variable; // [C]
  readonly runningMean: tf.Variable; // [C]
  readonly runningVar: tf.Variable; // [C]
  /** alpha * Vth. */
  readonly scale: number;
  readonly momentum: number;
  readonly eps: number;
  /** `inferenceMap`'s last result, with the variables' data ids it came from. */
  private map: { ids: object[]; a: Float32Array; d: Float32Array } | null = null;

  constructor(
    name: string,
    readonly channels: number,
    { alpha = 1, vth = 1, momentum = 0.1, eps = 1e-5 }: TdBNOptions = {},
  ) {
    super(name);
    if (!Number.isInteger(channels) || channels < 1)
      throw new RangeError(`${name}: channels must be a positive integer, got ${channels}`);
    if (!(momentum > 0 && momentum <= 1)) throw new RangeError(`${name}: momentum must be in (0, 1], got ${momentum}`);
    this.scale = alpha * vth;
    this.momentum = momentum;
    this.eps = eps;
    this.gamma = this.variable('gamma', tf.ones([channels]), true);
    this.beta = this.variable('beta', tf.zeros([channels]), true);
    this.runningMean = this.variable('runningMean', tf.zeros([channels]), false);
    this.runningVar = this.variable('runningVar', tf.ones([channels]), false);
  }

  forward(x: tf.Tensor, run: Run): tf.Tensor {
    const c = x.shape[x.rank - 1];
    if (c !== this.channels)
      throw new RangeError(
        `${this.name}: expected ${this.channels} channels (last axis), got shape [${x.shape.join(', ')}]`,
      );
    if (run.training) return this.normalizeBatch(x, this.gamma, this.beta);
    const { a, d } = this.inferenceMap();
    return tf.tidy(() => channelAffine(x, tf.tensor1d(a), tf.tensor1d(d)));
  }

  /**
   * Inference mode's per-channel map y = a x + d, a = gamma alpha Vth / sqrt(runningVar + eps),
   * d = beta - runningMean a, `[C]` each: computed by tfjs's ops, and again only once one of the four
   * variables was assigned (an assignment gives a variable new data).
   */
  inferenceMap(): { a: Float32Array; d: Float32Array } {
    const ids = [this.gamma, this.beta, this.runningMean, this.runningVar].map((v) => v.dataId);
    if (this.map?.ids.every((id, i) => id === ids[i])) return this.map;
    const [a, d] = tf.tidy(() => {
      const a = tf.mul(tf.mul(this.gamma, this.scale), tf.rsqrt(tf.add(this.runningVar, this.eps)));
      return [a, tf.sub(this.beta, tf.mul(this.runningMean, a))].map((t) => t.dataSync() as Float32Array);
    });
    this.map = { ids, a, d };
    return this.map;
  }

  /**
   * Training mode with the batch statistics: with n values per channel, mean = sum x / n and
   * var = sum x (x - mean) / n (two passes, so no cancellation), rstd = 1 / sqrt(var + eps), g = gamma * alpha * Vth,
   * y = g rstd x + (beta - g rstd mean). The backward pass is the closed form of batch normalisation (tfjs's
   * generic one tiles per-channel vectors to the full input shape), with xhat = (x - mean) rstd:
   *   dbeta = sum dy,  dgamma = alpha * Vth * sum dy * xhat,  dx = g rstd (dy - dbeta / n - xhat * sum(dy * xhat) / n),
   * which is dx = A dy + B x + D per channel, A = g rstd, B = -A rstd^2 s / n, D = -A dbeta / n - B mean,
   * s = sum dy (x - mean). The running statistics are updated here, where nothing is recorded for the gradient.
   */
  private readonly normalizeBatch = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, gamma, beta, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const n = x.size / this.channels;
    const mean = tf.div(channelSums(x, x, tf.zeros([this.channels]))[0], n) as tf.Tensor1D;
    const variance = tf.div(channelSums(x, x, mean)[1], n) as tf.Tensor1D;
    this.updateRunningStats(mean, variance, n);
    const g = tf.mul(gamma, this.scale);
    const rstd = tf.rsqrt(tf.add(variance, this.eps));
    const a = tf.mul(g, rstd) as tf.Tensor1D;
    save([x, mean, rstd, a]);
    return {
      value: channelAffine(x, a, tf.sub(beta, tf.mul(mean, a)) as tf.Tensor1D),
      gradFunc: (dy: tf.Tensor, [xs, m, r, A]: tf.Tensor[]) => {
        const [dbeta, s] = channelSums(dy, xs, m as tf.Tensor1D);
        const B = tf.neg(tf.mul(A, tf.mul(tf.square(r), tf.div(s, n)))) as tf.Tensor1D;
        const D = tf.sub(tf.neg(tf.mul(A, tf.div(dbeta, n))), tf.mul(B, m)) as tf.Tensor1D;
        return [channelAffine(dy, A as tf.Tensor1D, D, { v: xs, b: B }), tf.mul(tf.mul(s, r), this.scale), dbeta];
      },
    };
  }) as (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;

  private updateRunningStats(mean: tf.Tensor, variance: tf.Tensor, n: number): void {
    tf.tidy(() => {
      const m = this.momentum;
      const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(unbiased, m)));
    });
  }

  outShape(inShape: readonly number[]): number[] {
    return [...inShape];
  }
}
