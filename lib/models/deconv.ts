/**
 * A 2-D transposed convolution ("deconv", the bottleneck decoder's upsampling) over NHWC `[T*B, H, W, Cin]`,
 * no bias, PyTorch's size rule: out = (in - 1) * stride - 2 * padding + kernel + outputPadding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { spikeConvTranspose2d, engineKernelsEnabled } from '../engine';
import { LayerRole, Module, Run, WeightLayer } from '../snn/module';
import { Rng } from '../util/rng';
import { accumulateSink, checkChannels } from './conv';
import { normalInit } from './init';

export interface DeconvOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride?: number;
  readonly padding?: number;
  /** Extra rows/columns at the bottom/right, < stride. */
  readonly outputPadding?: number;
  readonly role: LayerRole;
  /** The input is binary spikes: the forward pass and the filter gradient are accumulate-only. */
  readonly spikes?: boolean;
  /** Draws Kaiming-normal weights, fan = Cin * k * k / stride^2 (the inputs reaching one output pixel). */
  readonly rng: Rng;
}

export class ConvTranspose2d extends Module implements WeightLayer {
  readonly kind = 'deconv';
  readonly role: LayerRole;
  readonly spikes: boolean;
  readonly kernel: readonly [number, number];
  readonly stride: number;
  readonly padding: number;
  readonly outputPadding: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly weight: tf.Variable; // [k, k, Cout, Cin], tfjs's conv2dTranspose layout

  constructor(name: string, o: DeconvOptions) {
    super(name);
    this.role = o.role;
    this.spikes = o.spikes ?? false;
    this.kernel = [o.kernel, o.kernel];
    this.stride = o.stride ?? 1;
    this.padding = o.padding ?? 0;
    this.outputPadding = o.outputPadding ?? 0;
    if (!(this.outputPadding >= 0 && this.outputPadding < this.stride)) {
      throw new RangeError(`${name}: outputPadding must be in [0, stride = ${this.stride}), got ${this.outputPadding}`);
    }
    this.inChannels = o.inChannels;
    this.outChannels = o.outChannels;
    const std = Math.sqrt((2 * this.stride * this.stride) / (o.inChannels * o.kernel * o.kernel));
    this.weight = this.variable(
      'weight',
      normalInit([o.kernel, o.kernel, o.outChannels, o.inChannels], std, o.rng),
      true,
    );
  }

  /** `spikes` false runs the dense transposed convolution on a layer built for spikes (real-valued input). */
  forward(x: tf.Tensor, run: Run, spikes = this.spikes): tf.Tensor {
    checkChannels(this.name, x, this.inChannels);
    const [oh, ow] = this.outShape(x.shape.slice(1));
    const [x4, w4] = [x as tf.Tensor4D, this.weight as tf.Tensor4D];
    const y =
      spikes && engineKernelsEnabled()
        ? spikeConvTranspose2d(x4, w4, [oh, ow], {
            stride: this.stride,
            pad: this.padding,
            name: this.name,
            onAccumulates: accumulateSink(this, run),
          })
        : tf.conv2dTranspose(x4, w4, [x.shape[0], oh, ow, this.outChannels], this.stride, this.padding);
    run.observer?.weightLayer?.(this, x, y, run);
    return y;
  }

  outShape([h, w]: readonly number[]): number[] {
    const size = (n: number) => (n - 1) * this.stride - 2 * this.padding + this.kernel[0] + this.outputPadding;
    return [size(h), size(w), this.outChannels];
  }

  /** Every input pixel scatters k*k*Cout products per input channel. */
  macs([ih, iw]: readonly number[]): number {
    return ih * iw * this.kernel[0] * this.kernel[1] * this.inChannels * this.outChannels;
  }
}
