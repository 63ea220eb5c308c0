/**
 * A spike bottleneck with learned temporal compression, trained end to end (NeuCODEX):
 *
 *   device: x --backbone head to p--> [T*B, h, w, c] --unit encoder--> spikes [T*B, h', w', c']
 *             --temporal encoder--> sent spikes [T'*B, h', w', c']
 *   server: sent --temporal expander--> real [T*B, h', w', c'] --unit decoder--> spikes [T*B, h, w, c]
 *             --backbone tail after p--> per-step logits [T, B, classes]
 *
 * (`temporal-compression.ts` says why the expander feeds the unit decoder's deconv without a LIF of its own.)
 *
 * It wraps a `BottleneckedModel` (spiking) and takes its variables as they are: training changes the backbone
 * and the unit. Bits sent per image are T' h' w' c' (one bit per sent neuron per sent step), the same count as
 * `transmissionBits` with `T: T'`. `dispose()` frees the temporal halves only.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BottleneckedModel } from '../bottleneck/bottlenecked-model';
import { DeviceLayer, splitDeviceLayers } from '../energy/device-energy';
import { LifParams } from '../snn/lif';
import { ForwardContext, makeRun, NamedVariable, Run } from '../snn/module';
import { TemporalEncoder, temporalExpander, TimeMix } from './temporal-compression';

export interface TemporalCompressionConfig {
  /** Time steps sent, T', smaller than the model's T and dividing it. */
  readonly sentSteps: number;
  /** LIF parameters of the temporal encoder; pass the backbone's if it was built with others. */
  readonly lif?: Partial<LifParams>;
  /** Running-statistics momentum of the temporal encoder's tdBN (default 0.1). */
  readonly momentum?: number;
}

export class TemporallyCompressedModel {
  /** `<bottlenecked model>+temporal<T>to<T'>`, e.g. `resnet18+bottleneck@RB4+temporal4to1`. */
  readonly name: string;
  readonly T: number;
  readonly sentSteps: number;
  readonly classes: number;
  readonly spiking = true;
  readonly encoder: TemporalEncoder;
  readonly expander: TimeMix;
  /** What is sent per image per sent step `[h', w', c']`. */
  readonly sentShape: [number, number, number];
  /** Bits sent per image: T' h' w' c'. */
  readonly bits: number;

  constructor(
    readonly model: BottleneckedModel,
    config: TemporalCompressionConfig,
  ) {
    if (!model.spiking)
      throw new RangeError(
        `temporal compression needs spikes over time steps; ${model.name} is a DNN (it sends one quantised feature)`,
      );
    const [h, w, c] = model.unit.reduction.to;
    const options = {
      T: model.T,
      sentSteps: config.sentSteps,
      channels: c,
      lif: config.lif,
      momentum: config.momentum,
    };
    this.encoder = new TemporalEncoder(options);
    this.expander = temporalExpander(options);
    this.T = model.T;
    this.sentSteps = config.sentSteps;
    this.classes = model.classes;
    this.name = `${model.name}+temporal${this.T}to${this.sentSteps}`;
    this.sentShape = [h, w, c];
    this.bits = this.sentSteps * h * w * c;
  }

  /** The device: input (as the backbone takes it) -> sent spikes `[T'*B, h', w', c']`. */
  deviceForward(x: tf.Tensor, ctx: ForwardContext = {}): tf.Tensor {
    const run = this.run(ctx);
    const { backbone, splitPoint, unit } = this.model;
    return tf.tidy(() => this.encoder.forward(unit.encode(backbone.forwardTo(x, splitPoint, ctx), run), run));
  }

  /** The server: sent spikes `[T'*B, h', w', c']` -> per-step logits `[T, B, classes]`. */
  serverForwardSteps(sent: tf.Tensor, ctx: ForwardContext = {}): tf.Tensor {
    const run = this.run(ctx);
    const { backbone, splitPoint, unit } = this.model;
    if (
      sent.rank !== 4 ||
      sent.shape.slice(1).some((d, i) => d !== this.sentShape[i]) ||
      sent.shape[0] % this.sentSteps !== 0
    ) {
      throw new RangeError(
        `${this.name}: expected sent spikes [${this.sentSteps}*B, ${this.sentShape.join(', ')}], got shape [${sent.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() =>
      backbone.forwardStepsFrom(unit.decodeValues(this.expander.forward(sent), run), splitPoint, ctx),
    );
  }

  /** Per-step logits `[T, B, classes]`: device then server, differentiable end to end. */
  forwardSteps(x: tf.Tensor, ctx: ForwardContext = {}): tf.Tensor {
    return tf.tidy(() => this.serverForwardSteps(this.deviceForward(x, ctx), ctx));
  }

  /** Logits averaged over T: `[B, classes]`. */
  forward(x: tf.Tensor, ctx: ForwardContext = {}): tf.Tensor {
    return tf.tidy(() => tf.mean(this.forwardSteps(x, ctx), 0));
  }

  /**
   * What the device runs, for `deviceEnergy`: the backbone's head and the bottleneck encoder, then the temporal
   * encoder's time mix, which reads the bottleneck encoder's spikes over T steps and multiplies each by one
   * weight: h' w' c' MACs per image per input step (its tdBN folds into those weights at inference).
   */
  deviceLayers(): DeviceLayer[] {
    const unitEncoder = this.model.unit.encoder.layers;
    const [h, w, c] = this.sentShape;
    const mix: DeviceLayer = {
      name: this.encoder.mix.name,
      part: 'temporal encoder',
      macs: h * w * c,
      inputFrom: unitEncoder[unitEncoder.length - 1].name,
      T: this.T,
    };
    return [...splitDeviceLayers(this.model), mix];
  }

  /** The bottlenecked model's variables, then the temporal encoder's and expander's (`temporal.encoder.mix.weight`, ...). */
  namedVariables(): NamedVariable[] {
    return [...this.model.namedVariables(), ...this.encoder.namedVariables(), ...this.expander.namedVariables()];
  }

  trainableVariables(): tf.Variable[] {
    return this.namedVariables()
      .filter((v) => v.variable.trainable)
      .map((v) => v.variable);
  }

  dispose(): void {
    this.encoder.dispose();
    this.expander.dispose();
  }

  /** The temporal halves are built for the model's T: a pass with another T is refused. */
  private run(ctx: ForwardContext): Run {
    const run = makeRun(ctx, this.T);
    if (run.T !== this.T)
      throw new RangeError(
        `${this.name} compresses exactly T = ${this.T} steps to ${this.sentSteps}; got a pass with T = ${run.T}`,
      );
    return run;
  }
}
