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
import { Module, Run } from './module';

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

  constructor(name: string, readonly channels: number, { alpha = 1, vth = 1, momentum = 0.1, eps = 1e-5 }: TdBNOptions = {}) {
    super(name);
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`${name}: channels must be a positive integer, got ${channels}`);
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
    if (c !== this.channels) throw new RangeError(`${this.name}: expected ${this.channels} channels (last axis), got shape [${x.shape.join(', ')}]`);
    if (run.training) return this.normalizeBatch(x, this.gamma, this.beta);
    return tf.tidy(() => tf.batchNorm(x, this.runningMean, this.runningVar, this.beta, tf.mul(this.gamma, this.scale), this.eps));
  }

  /**
   * Training mode with the batch statistics. The backward pass is the closed form of batch normalisation
   * (tfjs's generic one tiles per-channel vectors to the full input shape, the slowest kernel of a training
   * step): with xhat = (x - mean) / sqrt(var + eps), g = gamma * alpha * Vth and n values per channel,
   *   dbeta = sum dy,  dgamma = alpha * Vth * sum dy * xhat,  dx = g / sqrt(var + eps) * (dy - dbeta / n - xhat * sum(dy * xhat) / n).
   * The running statistics are updated here, where nothing is recorded for the gradient.
   */
  private readonly normalizeBatch = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, gamma, beta, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const axes = x.shape.slice(0, -1).map((_, i) => i); // every axis but the channel
    const n = x.size / this.channels;
    const { mean, variance } = tf.moments(x, axes);
    this.updateRunningStats(mean, variance, n);
    const g = tf.mul(gamma, this.scale);
    save([x, mean, tf.rsqrt(tf.add(variance, this.eps)), g]);
    return {
      value: tf.batchNorm(x, mean, variance, beta, g, this.eps),
      gradFunc: (dy: tf.Tensor, [xs, m, rstd, gs]: tf.Tensor[]) => {
        const xhat = tf.mul(tf.sub(xs, m), rstd);
        const dbeta = tf.sum(dy, axes);
        const dxhatSum = tf.sum(tf.mul(dy, xhat), axes); // [C]
        const centred = tf.sub(tf.sub(dy, tf.div(dbeta, n)), tf.mul(xhat, tf.div(dxhatSum, n)));
        return [tf.mul(centred, tf.mul(gs, rstd)), tf.mul(dxhatSum, this.scale), dbeta];
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
