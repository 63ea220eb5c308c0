/**
 * The bottleneck unit inserted after a split point: an encoder on the device that shrinks the split point's
 * feature `[T*B, h, w, c]` to what is transmitted, and a decoder on the server that restores `[T*B, h, w, c]`.
 *
 *   spiking (SpikeBottleNet 3.5):  encoder conv -> tdBN -> LIF      sends spikes {0,1} [T*B, h', w', c']
 *                                  decoder deconv -> tdBN -> LIF    receives those spikes
 *   DNN (BottleNet++, Shao & Zhang 2020):
 *                                  encoder conv -> BN -> sigmoid (or ReLU) -> quantiser
 *                                                                   sends b-bit codes (int32) [B, h', w', c']
 *                                  decoder codes -> values -> deconv -> BN -> ReLU
 *
 * The conv/deconv geometry comes from the requested reduction (`reduction.ts`). Layers have role
 * 'bottleneck' and names under `bottleneck.` (`bottleneck.encoder.conv.weight`), so observers and weight
 * files tell them from the backbone's.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Shape3 } from '../models/backbone';
import { Conv2d } from '../models/conv';
import { ConvTranspose2d } from '../models/deconv';
import { dnnKit, NeuronKit, spikingKit } from '../models/kit';
import { LifParams } from '../snn/lif';
import { Module, Run, Sequential } from '../snn/module';
import { Rng } from '../util/rng';
import { UniformQuantizer } from './quantize';
import { Reduction, reduction } from './reduction';
import { Sigmoid } from './sigmoid';
import { sameShape } from '../util/shape';

/** What a bottleneck does to the feature: plain data, as experiment configs hold it. */
export interface BottleneckConfig {
  /** Reduced channels c'. */
  readonly channels: number;
  /** Reduced spatial size `[h', w']`; default the split point's (channel reduction only). */
  readonly size?: readonly [number, number];
  /** DNN only: bits per transmitted value, 1..16; default 8. */
  readonly bitWidth?: number;
  /** DNN only: the encoder's activation; default 'sigmoid'. */
  readonly activation?: 'sigmoid' | 'relu';
  /** DNN only: the quantiser covers [0, range]; default 1 (a sigmoid's range; ReLU outputs above it saturate). */
  readonly range?: number;
}

/** How to build a unit for one backbone's split point. */
export interface BottleneckUnitOptions {
  /** The backbone's kind: spiking (tdBN + LIF) or DNN (BN, BottleNet++). */
  readonly spiking: boolean;
  /** The split point's feature `[h, w, c]`. */
  readonly splitShape: Shape3;
  /** LIF parameters of the unit's neurons (spiking only); pass the backbone's if it was built with others. */
  readonly lif?: Partial<LifParams>;
  /** Running-statistics momentum of the unit's tdBN/BN (default 0.1). */
  readonly momentum?: number;
  /** Seeds the conv/deconv weights (default 0). */
  readonly seed?: number;
}

const DNN_ONLY = ['bitWidth', 'activation', 'range'] as const;

/** A spiking unit takes none of the DNN's quantiser options; a DNN unit has no LIF neurons. */
function checkNeuronOptions(config: BottleneckConfig, options: BottleneckUnitOptions): void {
  if (options.spiking) {
    const given = DNN_ONLY.filter((k) => config[k] !== undefined);
    if (given.length > 0) {
      throw new RangeError(
        `bottleneck config ${given.join(', ')} applies to a DNN backbone's features; a spiking bottleneck sends 1 bit per neuron per step`,
      );
    }
  } else if (options.lif) {
    throw new RangeError('a DNN bottleneck has no LIF neurons: drop the lif option');
  }
}

export class BottleneckUnit extends Module {
  readonly spiking: boolean;
  readonly reduction: Reduction;
  readonly encoder: Sequential;
  readonly decoder: Sequential;
  /** The decoder's first layer. */
  private readonly deconv: ConvTranspose2d;
  /** The DNN's quantiser; null for spikes. */
  readonly quantizer: UniformQuantizer | null;

  constructor(config: BottleneckConfig, options: BottleneckUnitOptions) {
    super('bottleneck');
    this.spiking = options.spiking;
    checkNeuronOptions(config, options);
    this.reduction = reduction(options.splitShape, config.channels, config.size);
    const kit: NeuronKit = this.spiking
      ? spikingKit({ lif: options.lif, momentum: options.momentum })
      : dnnKit({ momentum: options.momentum });
    const rng = new Rng(options.seed ?? 0); // the encoder's conv draws first, then the decoder's deconv
    const activation = config.activation ?? 'sigmoid';
    if (activation !== 'sigmoid' && activation !== 'relu')
      throw new RangeError(`bottleneck activation must be 'sigmoid' or 'relu', got '${activation}'`);
    this.encoder = this.child(this.encoderLayers(kit, rng, activation));
    const [, , c] = this.reduction.from;
    const [, , c2] = this.reduction.to;
    this.deconv = new ConvTranspose2d('bottleneck.decoder.deconv', {
      inChannels: c2,
      outChannels: c,
      ...this.reductionConv(rng),
    });
    this.decoder = this.child(
      new Sequential('bottleneck.decoder', [
        this.deconv,
        kit.norm('bottleneck.decoder.bn', c),
        kit.activation(`bottleneck.decoder.${kit.act}`),
      ]),
    );
    this.quantizer = this.spiking ? null : new UniformQuantizer(config.bitWidth ?? 8, config.range ?? 1);
  }

  /** conv (c -> c'), norm, then LIF (spiking), ReLU or sigmoid (DNN). */
  private encoderLayers(kit: NeuronKit, rng: Rng, activation: 'sigmoid' | 'relu'): Sequential {
    const [, , c] = this.reduction.from;
    const [, , c2] = this.reduction.to;
    return new Sequential('bottleneck.encoder', [
      new Conv2d('bottleneck.encoder.conv', { inChannels: c, outChannels: c2, ...this.reductionConv(rng) }),
      kit.norm('bottleneck.encoder.bn', c2),
      this.spiking || activation === 'relu'
        ? kit.activation(`bottleneck.encoder.${kit.act}`)
        : new Sigmoid('bottleneck.encoder.sigmoid'),
    ]);
  }

  /** What the encoder's conv and the decoder's deconv (its mirror) share: the reduction's kernel, stride, padding. */
  private reductionConv(rng: Rng) {
    const { kernel, stride, padding } = this.reduction;
    return { kernel, stride, padding, role: 'bottleneck' as const, spikes: this.spiking, rng };
  }

  /** The device's half: split point feature `[T*B, h, w, c]` -> spikes `[T*B, h', w', c']` or codes (int32). */
  encode(h: tf.Tensor, run: Run): tf.Tensor {
    this.checkFeature(h);
    return tf.tidy(() => {
      const z = this.encoder.forward(h, run);
      return this.quantizer ? this.quantizer.codes(z) : z;
    });
  }

  /** The server's half: what `encode` sent, `[T*B, h', w', c']` -> restored feature `[T*B, h, w, c]`. */
  decode(z: tf.Tensor, run: Run): tf.Tensor {
    this.checkSent('decode', z, run, this.quantizer ? 'int32' : 'float32');
    return tf.tidy(() => this.decoder.forward(this.quantizer ? this.quantizer.values(z) : z, run));
  }

  /**
   * The server's half of a spiking unit fed real values `[T*B, h', w', c']` in place of its encoder's spikes
   * (NeuCODEX's temporal expander restores T steps that way): the deconv runs dense, then tdBN and LIF.
   */
  decodeValues(v: tf.Tensor, run: Run): tf.Tensor {
    if (!this.spiking) throw new RangeError('bottleneck.decodeValues: a DNN unit decodes its codes with decode()');
    this.checkSent('decodeValues', v, run, 'float32');
    const [, ...rest] = this.decoder.layers;
    return tf.tidy(() => rest.reduce((h, m) => m.forward(h, run), this.deconv.forward(v, run, false)));
  }

  private checkSent(method: string, z: tf.Tensor, run: Run, dtype: string): void {
    if (
      z.rank !== 4 ||
      !sameShape(z.shape.slice(1), this.reduction.to) ||
      z.shape[0] % run.T !== 0 ||
      z.dtype !== dtype
    ) {
      throw new RangeError(
        `bottleneck.${method}: expected ${dtype} [T*B, ${this.reduction.to.join(', ')}] with T = ${run.T}, got ${z.dtype} [${z.shape.join(', ')}]`,
      );
    }
  }

  /** Encoder then decoder, differentiable (straight-through through the quantiser); equals decode(encode(h)). */
  forward(h: tf.Tensor, run: Run): tf.Tensor {
    this.checkFeature(h);
    return tf.tidy(() => {
      const z = this.encoder.forward(h, run);
      return this.decoder.forward(this.quantizer ? this.quantizer.fakeQuantize(z) : z, run);
    });
  }

  outShape(inShape: readonly number[]): number[] {
    if (!sameShape(inShape, this.reduction.from))
      throw new RangeError(
        `bottleneck expects [${this.reduction.from.join(', ')}] per image, got [${inShape.join(', ')}]`,
      );
    return [...inShape];
  }

  private checkFeature(h: tf.Tensor): void {
    if (h.rank !== 4 || !sameShape(h.shape.slice(1), this.reduction.from)) {
      throw new RangeError(
        `bottleneck.encode: expected the split point's feature [T*B, ${this.reduction.from.join(', ')}], got [${h.shape.join(', ')}]`,
      );
    }
  }
}
