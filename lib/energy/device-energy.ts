/**
 * The energy a device spends per image on everything it runs (NeuCODEX's device energy), where `energyReport`
 * counts only the backbone's layers (by default the residual blocks' convs, SpikeBottleNet's Table 3 choice):
 * here every conv, deconv and linear layer of the device's pass counts, the bottleneck encoder and the temporal
 * encoder included.
 *
 *   layer reading spikes (a LIF's output, a max pool of spikes, spike-encoded input):
 *     SyOPs = fr x T x MACs (eq. 7, fr the measured firing rate of the spikes it reads), x energyPerSyopPJ
 *   layer reading real values (the direct-encoded image at the stem, pooled features at the classifier):
 *     T x MACs (it runs at every step), x energyPerMacPJ
 *
 * MACs are per image per step of the layer's input, T its input's steps. tdBN/BN at inference is an affine map
 * that folds into the preceding layer's weights and LIF updates are not counted, as in SpikeBottleNet 4.3.
 *
 * The layers come from a traced pass of the device's own forward function (one image, one step, like
 * `describeLayers`), so they are what it computes: `backboneDeviceLayers` for edge-only inference (the whole
 * backbone, classifier included) and `splitDeviceLayers` for a bottlenecked model (the head through the split
 * point, then the bottleneck encoder). Layers that are no weight layer (the temporal encoder's per-channel time
 * mix, `lib/neucodex`) are added by their owner as `DeviceLayer`s.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BottleneckedModel } from '../bottleneck/bottlenecked-model';
import { Shape3, SplittableModel } from '../models/backbone';
import { describeLayers } from '../models/describe';
import { ForwardContext, makeRun } from '../snn/module';
import { hardwareProfile, HardwareProfile } from './profiles';
import { syops } from './syops';

export const DEVICE_ENERGY_PARTS = ['backbone', 'bottleneck encoder', 'temporal encoder'] as const;
export type DeviceEnergyPart = (typeof DEVICE_ENERGY_PARTS)[number];

/** One layer the device runs. */
export interface DeviceLayer {
  readonly name: string;
  readonly part: DeviceEnergyPart;
  /** Multiply-accumulates per image per step of its input. */
  readonly macs: number;
  /** The spike layer whose output it reads (its firing rate gives the SyOPs); null when it reads real values. */
  readonly inputFrom: string | null;
  /** Time steps of its input. */
  readonly T: number;
}

export interface DeviceLayerEnergy extends DeviceLayer {
  /** The firing rate of `inputFrom`; null for a layer reading real values. */
  readonly inputRate: number | null;
  readonly opUnit: 'SyOP' | 'MAC';
  /** Ops per image. */
  readonly ops: number;
  readonly energyPJ: number;
}

export interface DeviceEnergy {
  readonly hardware: HardwareProfile;
  readonly layers: readonly DeviceLayerEnergy[];
  /** Energy per image of each part, pJ. */
  readonly partsPJ: Readonly<Record<DeviceEnergyPart, number>>;
  /** Energy per image of everything the device runs, pJ. */
  readonly totalPJ: number;
  /** Of which the layers reading real values (MACs: the stem on a direct-encoded image), pJ. */
  readonly realInputPJ: number;
}

export interface DeviceEnergyOptions {
  /** A built-in profile name ('45nm', 'rolls') or a profile object. */
  readonly hardware: string | HardwareProfile;
  /** Spike layer name -> spikes / (neurons x steps), as a `FiringRateMonitor` reads them on the test set. */
  readonly firingRates: Readonly<Record<string, number>>;
}

function perOpPJ(hardware: HardwareProfile, field: 'energyPerSyopPJ' | 'energyPerMacPJ', layer: string): number {
  const value = hardware[field];
  if (value === null)
    throw new RangeError(
      `device energy: layer '${layer}' needs ${field}, which hardware '${hardware.name}' does not have; expected a profile with both (e.g. 45nm)`,
    );
  return value;
}

/** The device's energy per image for `layers`, with measured firing rates. */
export function deviceEnergy(layers: readonly DeviceLayer[], options: DeviceEnergyOptions): DeviceEnergy {
  const hardware = hardwareProfile(options.hardware);
  const partsPJ = Object.fromEntries(DEVICE_ENERGY_PARTS.map((p) => [p, 0])) as Record<DeviceEnergyPart, number>;
  const energies = layers.map((l): DeviceLayerEnergy => {
    if (!(Number.isInteger(l.T) && l.T >= 1))
      throw new RangeError(`device energy: layer '${l.name}' has T = ${l.T}; expected a positive integer`);
    let energy: DeviceLayerEnergy;
    if (l.inputFrom === null) {
      const ops = l.T * l.macs;
      energy = {
        ...l,
        inputRate: null,
        opUnit: 'MAC',
        ops,
        energyPJ: ops * perOpPJ(hardware, 'energyPerMacPJ', l.name),
      };
    } else {
      const rate = options.firingRates[l.inputFrom];
      if (!(typeof rate === 'number' && rate >= 0 && rate <= 1)) {
        throw new RangeError(
          `device energy: layer '${l.name}' reads spike layer '${l.inputFrom}', whose firing rate is ${rate}; expected a rate in [0, 1] (rates given for ${Object.keys(options.firingRates).join(', ')})`,
        );
      }
      const ops = syops(rate, l.T, l.macs);
      energy = {
        ...l,
        inputRate: rate,
        opUnit: 'SyOP',
        ops,
        energyPJ: ops * perOpPJ(hardware, 'energyPerSyopPJ', l.name),
      };
    }
    partsPJ[l.part] += energy.energyPJ;
    return energy;
  });
  const realInputPJ = energies.filter((l) => l.opUnit === 'MAC').reduce((s, l) => s + l.energyPJ, 0);
  return {
    hardware,
    layers: energies,
    partsPJ,
    totalPJ: DEVICE_ENERGY_PARTS.reduce((s, p) => s + partsPJ[p], 0),
    realInputPJ,
  };
}

/**
 * The weight layers one pass of `device` runs, for one input `[H, W, C]`, each with the spike layer it reads
 * (`describeLayers`). Bottleneck layers are the bottleneck encoder; the rest belong to the backbone. Their T is `T`.
 */
function traceDeviceLayers(
  device: (x: tf.Tensor, ctx: ForwardContext) => tf.Tensor,
  inputShape: Readonly<Shape3>,
  T: number,
): DeviceLayer[] {
  return describeLayers({ forward: device, inputShape }).map((l) => ({
    name: l.name,
    part: l.role === 'bottleneck' ? 'bottleneck encoder' : 'backbone',
    macs: l.macs,
    inputFrom: l.inputFrom,
    T,
  }));
}

/** Edge-only inference: every layer of `model`, classifier included, at `T` steps (default the model's). */
export function backboneDeviceLayers(model: SplittableModel, T = model.T): DeviceLayer[] {
  return traceDeviceLayers((x, ctx) => model.forward(x, ctx), model.inputShape, T);
}

/** A bottlenecked model's device: the backbone's head through the split point, then the bottleneck encoder. */
export function splitDeviceLayers(model: BottleneckedModel): DeviceLayer[] {
  const { backbone, splitPoint, unit } = model;
  const device = (x: tf.Tensor, ctx: ForwardContext) =>
    unit.encode(backbone.forwardTo(x, splitPoint, ctx), makeRun(ctx, model.T));
  return traceDeviceLayers(device, backbone.inputShape, model.T);
}
