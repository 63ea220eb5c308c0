/**
 * A backbone with a bottleneck unit at one split point, trained end to end (SpikeBottleNet 3.6, two-step
 * training: pretrain the backbone, then `insertBottleneck` and fine-tune everything with `train`):
 *
 *   x --backbone head to p--> [T*B, h, w, c] --unit encoder--> sent --unit decoder--> [T*B, h, w, c]
 *     --backbone tail after p--> logits [B, classes]
 *
 * The joint model takes the backbone's variables as they are (no copy): fine-tuning changes the backbone.
 * `dispose()` frees the unit only; the backbone stays the caller's.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SplittableModel } from '../models/backbone';
import { ForwardContext, makeRun, NamedVariable } from '../snn/module';
import { BottleneckConfig, BottleneckUnit, BottleneckUnitOptions } from './unit';

export class BottleneckedModel {
  /** `<backbone>+bottleneck@<point>`, e.g. `resnet50+bottleneck@RB16`. */
  readonly name: string;
  readonly T: number;
  readonly classes: number;
  readonly spiking: boolean;

  constructor(
    readonly backbone: SplittableModel,
    readonly splitPoint: string,
    readonly unit: BottleneckUnit,
  ) {
    unit.outShape(backbone.splitShape(splitPoint)); // throws unless the unit fits the split point
    if (unit.spiking !== backbone.spiking) {
      throw new RangeError(
        `${backbone.name} is ${backbone.spiking ? 'spiking' : 'a DNN'} but the bottleneck unit is ${unit.spiking ? 'spiking' : 'a DNN one'}`,
      );
    }
    this.name = `${backbone.name}+bottleneck@${splitPoint}`;
    this.T = backbone.T;
    this.classes = backbone.classes;
    this.spiking = backbone.spiking;
  }

  /** Logits averaged over T: `[B, classes]`. */
  forward(x: tf.Tensor, ctx: ForwardContext = {}): tf.Tensor {
    return tf.tidy(() => tf.mean(this.forwardSteps(x, ctx), 0));
  }

  /** Per-step logits `[T, B, classes]`. */
  forwardSteps(x: tf.Tensor, ctx: ForwardContext = {}): tf.Tensor {
    const run = makeRun(ctx, this.T);
    return tf.tidy(() => {
      const h = this.backbone.forwardTo(x, this.splitPoint, ctx); // [T*B, h, w, c]
      return this.backbone.forwardStepsFrom(this.unit.forward(h, run), this.splitPoint, ctx);
    });
  }

  /** The backbone's variables, then the unit's (`bottleneck.encoder.conv.weight`, ...). */
  namedVariables(): NamedVariable[] {
    return [...this.backbone.namedVariables(), ...this.unit.namedVariables()];
  }

  trainableVariables(): tf.Variable[] {
    return this.namedVariables()
      .filter((v) => v.variable.trainable)
      .map((v) => v.variable);
  }

  dispose(): void {
    this.unit.dispose();
  }
}

/** Builds a bottleneck unit for `backbone`'s split point `point` and joins them. */
export function insertBottleneck(
  backbone: SplittableModel,
  point: string,
  config: BottleneckConfig,
  options: Omit<BottleneckUnitOptions, 'spiking' | 'splitShape'> = {},
): BottleneckedModel {
  const unit = new BottleneckUnit(config, {
    ...options,
    spiking: backbone.spiking,
    splitShape: backbone.splitShape(point),
  });
  return new BottleneckedModel(backbone, point, unit);
}
