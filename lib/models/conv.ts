/**
 * A 2-D convolution over NHWC `[T*B, H, W, Cin]`, no bias (a normalisation always follows), PyTorch padding.
 * One that reads spikes (`spikes: true`, a LIF's output) runs the engine's accumulate-only spike kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { spikeConv2d, engineKernelsEnabled, type AccumulateSink } from '../engine';
import { LayerRole, Module, Run, WeightLayer } from '../snn/module';
import { Rng } from '../util/rng';
import { normalInit } from './init';

export interface ConvOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride?: number;
  /** Zeros on each side; default floor(kernel / 2) ("same" at stride 1, PyTorch's alignment at stride 2). */
  readonly padding?: number;
  readonly role: LayerRole;
  /** The input is binary spikes: the forward pass and the filter gradient are accumulate-only. */
  readonly spikes?: boolean;
  /** Draws the Kaiming-normal weights (fan-out, as torchvision's ResNet). */
  readonly rng: Rng;
}

/** floor((size + 2 padding - kernel) / stride) + 1. */
export function convOutSize(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

export function checkChannels(name: string, x: tf.Tensor, channels: number): void {
  if (x.rank !== 4 || x.shape[3] !== channels) {
    throw new RangeError(`${name}: expected input [T*B, H, W, ${channels}], got shape [${x.shape.join(', ')}]`);
  }
}

/** Reports a spike kernel's accumulates to the run's observer, if it counts them. */
export function accumulateSink(layer: WeightLayer, run: Run): AccumulateSink | undefined {
  const observer = run.observer;
  return observer?.accumulates ? (count, pass) => observer.accumulates!(layer, count, pass, run) : undefined;
}

export class Conv2d extends Module implements WeightLayer {
  readonly kind = 'conv';
  readonly role: LayerRole;
  readonly spikes: boolean;
  readonly kernel: readonly [number, number];
  readonly stride: number;
  readonly padding: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly weight: tf.Variable; // [k, k, Cin, Cout]

  constructor(name: string, o: ConvOptions) {
    super(name);
    this.role = o.role;
    this.spikes = o.spikes ?? false;
    this.kernel = [o.kernel, o.kernel];
    this.stride = o.stride ?? 1;
    this.padding = o.padding ?? Math.floor(o.kernel / 2);
    this.inChannels = o.inChannels;
    this.outChannels = o.outChannels;
    const std = Math.sqrt(2 / (o.outChannels * o.kernel * o.kernel));
    this.weight = this.variable(
      'weight',
      normalInit([o.kernel, o.kernel, o.inChannels, o.outChannels], std, o.rng),
      true,
    );
  }

  forward(x: tf.Tensor, run: Run): tf.Tensor {
    checkChannels(this.name, x, this.inChannels);
    const [x4, w4] = [x as tf.Tensor4D, this.weight as tf.Tensor4D];
    const y =
      this.spikes && engineKernelsEnabled()
        ? spikeConv2d(x4, w4, {
            stride: this.stride,
            pad: this.padding,
            name: this.name,
            onAccumulates: accumulateSink(this, run),
          })
        : tf.conv2d(x4, w4, this.stride, this.padding);
    run.observer?.weightLayer?.(this, x, y, run);
    return y;
  }

  outShape([h, w]: readonly number[]): number[] {
    const [k] = this.kernel;
    return [
      convOutSize(h, k, this.stride, this.padding),
      convOutSize(w, k, this.stride, this.padding),
      this.outChannels,
    ];
  }

  /** Each output pixel: k*k*Cin MACs per output channel. */
  macs(_inShape: readonly number[], [oh, ow]: readonly number[]): number {
    return oh * ow * this.kernel[0] * this.kernel[1] * this.inChannels * this.outChannels;
  }
}
