/**
 * The small layer framework every spikesplit network is built from: a `Module` holds its own variables and
 * children and maps a time-folded tensor `[T*B, ...]` to another; a `Run` carries what a forward pass needs
 * (training mode, time steps, an optional observer). Nothing is hidden between passes: layers keep weights
 * and running statistics only, never membrane state.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SpikePass } from '../engine/spike-conv';

/** What a caller passes to a model's forward pass. */
export interface ForwardContext {
  /** true: tdBN/BN normalise with batch statistics and update their running statistics; default false. */
  readonly training?: boolean;
  /** Time steps; default the model's own T. */
  readonly T?: number;
  /** Sees every activation and every conv/deconv/linear call (firing-rate monitor, layer tracer). */
  readonly observer?: ForwardObserver;
}

/** What every layer's forward sees: the context with its defaults filled in. */
export interface Run {
  readonly training: boolean;
  readonly T: number;
  readonly observer?: ForwardObserver;
}

/** Fills in a context's defaults and checks T. */
export function makeRun(ctx: ForwardContext, defaultT: number): Run {
  const T = ctx.T ?? defaultT;
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`time steps T must be a positive integer, got ${T}`);
  return { training: ctx.training ?? false, T, observer: ctx.observer };
}

export type LayerKind = 'conv' | 'deconv' | 'linear';
/** Where a weight layer sits: fed by the input image, inside a block, on a shortcut, the classifier, a bottleneck. */
export type LayerRole = 'stem' | 'block' | 'shortcut' | 'classifier' | 'bottleneck';

/** A layer with weights whose operations are counted: conv, deconv, linear. */
export interface WeightLayer {
  readonly name: string;
  readonly kind: LayerKind;
  readonly role: LayerRole;
  /** [kh, kw]; null for a linear layer. */
  readonly kernel: readonly [number, number] | null;
  readonly stride: number;
  /** Multiply-accumulates for one image at one time step, from its per-image input and output shapes. */
  macs(inShape: readonly number[], outShape: readonly number[]): number;
}

/** Receives events of a forward pass; every hook is optional. It must not change any tensor it sees. */
export interface ForwardObserver {
  /** The layers that follow belong to this split point's group (null: after the last split point). */
  splitPoint?(name: string | null): void;
  /** A named activation layer produced `out` `[T*B, ...]`: binary spikes when `spiking` (LIF), else real (ReLU). */
  activation?(name: string, out: tf.Tensor, spiking: boolean, run: Run): void;
  /** A weight layer mapped `x` `[T*B, ...]` to `y` `[T*B, ...]`. */
  weightLayer?(layer: WeightLayer, x: tf.Tensor, y: tf.Tensor, run: Run): void;
  /** A spike kernel of `layer` executed `count` accumulates in `pass` (the filter gradient's come in the backward pass). */
  accumulates?(layer: WeightLayer, count: number, pass: SpikePass, run: Run): void;
}

/** A variable with its stable dotted name (`RB3.conv2.weight`), used by save/load. */
export interface NamedVariable {
  readonly name: string;
  readonly variable: tf.Variable;
}

export abstract class Module {
  private readonly childModules: Module[] = [];
  private readonly ownVariables: NamedVariable[] = [];

  /** `name` is the full dotted name (`RB3.conv2`): it names the layer's variables and its activations. */
  constructor(readonly name: string) {}

  /** Maps `[T*B, ...]` to `[T*B, ...]`. */
  abstract forward(x: tf.Tensor, run: Run): tf.Tensor;

  /** The per-image, per-step output shape for a per-image, per-step input shape (`[h, w, c]`). */
  abstract outShape(inShape: readonly number[]): number[];

  /** Registers a child whose variables belong to this module; returns it. */
  protected child<M extends Module>(module: M): M {
    this.childModules.push(module);
    return module;
  }

  /** Creates a variable named `<module>.<local>` from `init` (which it takes over and disposes). */
  protected variable(local: string, init: tf.Tensor, trainable: boolean): tf.Variable {
    const variable = tf.variable(init, trainable);
    init.dispose();
    this.ownVariables.push({ name: `${this.name}.${local}`, variable });
    return variable;
  }

  /** This module's variables then its children's, depth first, in construction order. */
  namedVariables(): NamedVariable[] {
    return [...this.ownVariables, ...this.childModules.flatMap((m) => m.namedVariables())];
  }

  dispose(): void {
    for (const { variable } of this.ownVariables) variable.dispose();
    for (const m of this.childModules) m.dispose();
  }
}

/** Modules applied in order (a stem: conv, tdBN, LIF; a shortcut: conv, tdBN; a VGG stage). */
export class Sequential extends Module {
  readonly layers: readonly Module[];

  constructor(name: string, layers: Module[]) {
    super(name);
    this.layers = layers.map((m) => this.child(m));
  }

  forward(x: tf.Tensor, run: Run): tf.Tensor {
    return this.layers.reduce((h, m) => m.forward(h, run), x);
  }

  outShape(inShape: readonly number[]): number[] {
    return this.layers.reduce((s, m) => m.outShape(s), [...inShape]);
  }
}
