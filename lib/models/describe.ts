/**
 * Layer descriptions for operation counting, traced from a real forward pass (one image, one step), so they
 * are what the model computes, never a second copy of its structure.
 *
 * Grouping by split point: a layer belongs to the split point whose stage runs it; the stem (and, in VGG, the
 * first conv) counts with the first split point, because the device runs it whatever the split; a block's
 * shortcut counts with its block; the classifier belongs to no split point (it always runs on the server).
 * `branchMacs` leaves out the stem and shortcuts, as SpikeBottleNet's energy estimate does (section 4.3).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ForwardObserver, LayerKind, LayerRole, WeightLayer } from '../snn/module';
import { Shape3, SplittableModel } from './backbone';
import { BackboneOptions } from './options';
import { createModel } from './registry';

export interface LayerDescription {
  readonly name: string;
  /** The split point whose group it belongs to; null for the classifier. */
  readonly splitPoint: string | null;
  readonly role: LayerRole;
  readonly kind: LayerKind;
  /** Per image per step: `[h, w, c]`, or `[features]`. */
  readonly inShape: number[];
  readonly outShape: number[];
  readonly kernel: [number, number] | null;
  readonly stride: number;
  /** Multiply-accumulates per image per time step. */
  readonly macs: number;
  /**
   * The activation layer whose output this layer reads (`RB2.lif3`; `input` for spike-encoded input); null
   * when it reads the image. Its firing rate times T times `macs` is the layer's SyOPs.
   */
  readonly inputFrom: string | null;
}

class LayerTracer implements ForwardObserver {
  readonly layers: LayerDescription[] = [];
  private group: string | null = null;
  private readonly sources = new Map<number, string>(); // tensor id -> activation name

  splitPoint(name: string | null): void {
    this.group = name;
  }

  activation(name: string, out: tf.Tensor): void {
    this.sources.set(out.id, name);
  }

  weightLayer(layer: WeightLayer, x: tf.Tensor, y: tf.Tensor): void {
    const inShape = x.shape.slice(1);
    const outShape = y.shape.slice(1);
    this.layers.push({
      name: layer.name,
      splitPoint: this.group,
      role: layer.role,
      kind: layer.kind,
      inShape,
      outShape,
      kernel: layer.kernel ? [layer.kernel[0], layer.kernel[1]] : null,
      stride: layer.stride,
      macs: layer.macs(inShape, outShape),
      inputFrom: this.sources.get(x.id) ?? null,
    });
  }
}

/**
 * Every conv / deconv / linear layer of `model`, in the order it runs, for one input `[H, W, C]`. Any forward
 * pass will do (a backbone, or a device part: the head then a bottleneck encoder).
 */
export function describeLayers(
  model: Pick<SplittableModel, 'forward' | 'inputShape'>,
  inputShape: readonly number[] = model.inputShape,
): LayerDescription[] {
  const tracer = new LayerTracer();
  tf.tidy(() => {
    model.forward(tf.zeros([1, ...inputShape]), { T: 1, observer: tracer });
  });
  return tracer.layers;
}

export interface SplitPointDescription {
  readonly name: string;
  /** Output per image per step `[h, w, c]`. */
  readonly shape: Shape3;
  /** What the split point's raw output takes per image: 1 bit per neuron per step (spiking), float32 (DNN). */
  readonly rawBits: number;
  /** MACs per image per step of the layers in this split point's group. */
  readonly macs: number;
  /** From the input through this split point: what the device computes. */
  readonly cumulativeMacs: number;
  /** The block's own (residual branch) convs only: no stem, no shortcut. */
  readonly branchMacs: number;
  readonly cumulativeBranchMacs: number;
}

export interface ModelDescription {
  readonly model: string;
  readonly width: number;
  readonly T: number;
  readonly classes: number;
  readonly splitPoints: SplitPointDescription[];
  /** The classifier's MACs (after the last split point). */
  readonly classifierMacs: number;
  /** Every conv and linear layer, per image per step. */
  readonly totalMacs: number;
}

/** Split points with their shapes and MAC counts; what `spikesplit model <name> --json` prints. */
export function describeModel(
  name: string,
  options: Pick<BackboneOptions, 'width' | 'T' | 'classes'> = {},
): ModelDescription {
  const model = createModel(name, options);
  try {
    const layers = describeLayers(model);
    let cumulative = 0;
    let cumulativeBranch = 0;
    const splitPoints = model.splitPoints.map((point) => {
      const group = layers.filter((l) => l.splitPoint === point);
      const macs = group.reduce((s, l) => s + l.macs, 0);
      const branchMacs = group.filter((l) => l.role === 'block').reduce((s, l) => s + l.macs, 0);
      cumulative += macs;
      cumulativeBranch += branchMacs;
      const shape = model.splitShape(point);
      const neurons = shape[0] * shape[1] * shape[2];
      const rawBits = model.spiking ? neurons * model.T : neurons * 32;
      return {
        name: point,
        shape,
        rawBits,
        macs,
        cumulativeMacs: cumulative,
        branchMacs,
        cumulativeBranchMacs: cumulativeBranch,
      };
    });
    const classifierMacs = layers.filter((l) => l.splitPoint === null).reduce((s, l) => s + l.macs, 0);
    return {
      model: name,
      width: options.width ?? 1,
      T: model.T,
      classes: model.classes,
      splitPoints,
      classifierMacs,
      totalMacs: cumulative + classifierMacs,
    };
  } finally {
    model.dispose();
  }
}
