/**
 * Partition of a bottlenecked model into what the device runs and what the server runs:
 *
 *   device: input --backbone head to p--> [T*B, h, w, c] --unit encoder--> sent
 *   server: sent --unit decoder--> [T*B, h, w, c] --backbone tail after p--> logits [B, classes]
 *
 * `sent` is what crosses the link: spikes {0,1} float32 `[T*B, h', w', c']`, or for a DNN backbone the
 * quantised codes, int32 `[B, h', w', c']`. Device then server computes exactly what the joint model computes
 * (the same kernels on the same values). The parts are views of the joint model's variables: dispose the
 * joint model, not the parts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Shape3, SplittableModel } from '../models/backbone';
import { ForwardContext, makeRun } from '../snn/module';
import { BottleneckedModel } from './bottlenecked-model';
import { BottleneckUnit } from './unit';

/** What both halves know about the link between them. */
abstract class ModelPart {
  readonly splitPoint: string;
  readonly T: number;
  readonly spiking: boolean;
  /** What is sent per image (per step for spikes): `[h', w', c']`. */
  readonly sentShape: Shape3;
  /** Bits per sent value: 1 for spikes, the quantiser's width for DNN codes. */
  readonly bitWidth: number;

  constructor(
    protected readonly backbone: SplittableModel,
    protected readonly unit: BottleneckUnit,
    splitPoint: string,
  ) {
    this.splitPoint = splitPoint;
    this.T = backbone.T;
    this.spiking = backbone.spiking;
    this.sentShape = [...unit.reduction.to];
    this.bitWidth = unit.quantizer ? unit.quantizer.bitWidth : 1;
  }
}

export class DevicePart extends ModelPart {
  /** Input (as the backbone takes it) -> what is sent: spikes `[T*B, h', w', c']` or int32 codes `[B, h', w', c']`. */
  forward(x: tf.Tensor, ctx: ForwardContext = {}): tf.Tensor {
    const run = makeRun(ctx, this.T);
    return tf.tidy(() => this.unit.encode(this.backbone.forwardTo(x, this.splitPoint, ctx), run));
  }
}

export class ServerPart extends ModelPart {
  /** What the device sent -> logits averaged over T `[B, classes]`. */
  forward(sent: tf.Tensor, ctx: ForwardContext = {}): tf.Tensor {
    return tf.tidy(() => tf.mean(this.forwardSteps(sent, ctx), 0));
  }

  /** What the device sent -> per-step logits `[T, B, classes]`. */
  forwardSteps(sent: tf.Tensor, ctx: ForwardContext = {}): tf.Tensor {
    const run = makeRun(ctx, this.T);
    return tf.tidy(() => this.backbone.forwardStepsFrom(this.unit.decode(sent, run), this.splitPoint, ctx));
  }
}

/**
 * The device and server parts of `model` at its split point. `point` must be the model's own: it names, at
 * the call site, where the cut is.
 */
export function split(model: BottleneckedModel, point: string): { device: DevicePart; server: ServerPart } {
  if (point !== model.splitPoint) {
    throw new RangeError(
      `${model.name} has its bottleneck at '${model.splitPoint}', so it splits only there; got '${point}'`,
    );
  }
  return {
    device: new DevicePart(model.backbone, model.unit, point),
    server: new ServerPart(model.backbone, model.unit, point),
  };
}
