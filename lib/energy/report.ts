/**
 * The energy report: what the device spends per image when the network is split at each split point, on a
 * named hardware profile, as a data object (a per-layer breakdown and one row per split point).
 *
 *   DNN: ops are MACs,  energy = MACs x energyPerMacPJ
 *   SNN: ops are SyOPs (eq. 7, from firing rates), energy = SyOPs x energyPerSyopPJ (an AC at 45 nm, a ROLLS SyOP)
 *
 * With a radio profile, each row also carries the bits the device transmits at that split point and their
 * energy, beside the compute energy (SpikeBottleNet's Table 3 counts compute only).
 */
import { LayerKind, LayerRole } from '../snn/module';
import { SplittableModel } from '../models/backbone';
import { FiringRates, parseFiringRates } from './firing-rates';
import { countOps, CountedLayer, OpCount } from './ops';
import { HARDWARE_PROFILES, hardwareProfile, HardwareProfile, radioProfile, RadioProfile } from './profiles';
import { checkSplitPointTable } from './split-table';
import { SpikeActivity, spikeActivity, syops } from './syops';

export type NetworkKind = 'dnn' | 'snn';
export const NETWORK_KINDS: readonly NetworkKind[] = ['dnn', 'snn'];

export interface EnergyOptions {
  /** 'dnn': every counted layer does its MACs; 'snn': its SyOPs (needs `firingRates` and a spiking model). */
  readonly network: NetworkKind;
  /** A built-in profile name ('45nm', 'rolls') or a profile object. */
  readonly hardware: string | HardwareProfile;
  /** SNN only. */
  readonly firingRates?: FiringRates;
  /** SNN only: time steps; default the firing rates' T, else the model's. */
  readonly T?: number;
  /** Default `PAPER_COUNTED_ROLES` (the residual blocks' convs). */
  readonly countedRoles?: readonly LayerRole[];
  /** One input `[H, W, C]`; default the model's. */
  readonly inputShape?: readonly number[];
  /** A built-in radio profile name ('lte-uplink', 'wifi-uplink') or a profile object: adds transmission to each row. */
  readonly radio?: string | RadioProfile;
  /**
   * With `radio`: bits the device sends per image at every split point (e.g. a bottleneck's encoded size);
   * default the split point's raw output: 1 bit per neuron per step (SNN), 32 per neuron (DNN).
   */
  readonly transmittedBits?: Readonly<Record<string, number>>;
}

export interface LayerEnergy {
  readonly name: string;
  readonly splitPoint: string;
  readonly role: LayerRole;
  readonly kind: LayerKind;
  readonly counted: boolean;
  /** Per image per step. */
  readonly macs: number;
  readonly inputFrom: string | null;
  /** SNN, counted layers: the rate and T its SyOPs use (those of the network split at its own split point); else null. */
  readonly inputRate: number | null;
  readonly T: number | null;
  /** MACs (DNN) or SyOPs (SNN) per image; 0 when not counted. */
  readonly ops: number;
  readonly energyPJ: number;
}

export interface EnergyRow {
  readonly split: string;
  /** Ops per image of the counted layers in this split point's group. */
  readonly ops: number;
  /** Ops per image of the counted layers from the input through this split point: what the device computes. */
  readonly cumulativeOps: number;
  readonly energyPJ: number;
  readonly cumulativeEnergyPJ: number;
  /** With a radio profile: bits sent per image at this split point, and their energy. */
  readonly transmittedBits?: number;
  readonly transmitEnergyPJ?: number;
}

export interface EnergyReport {
  readonly model: string;
  readonly network: NetworkKind;
  /** What `ops` count. */
  readonly opUnit: 'MAC' | 'SyOP';
  readonly hardware: HardwareProfile;
  readonly radio: RadioProfile | null;
  readonly countedRoles: readonly LayerRole[];
  readonly layers: readonly LayerEnergy[];
  readonly rows: readonly EnergyRow[];
}

function energyPerOpPJ(hardware: HardwareProfile, network: NetworkKind): number {
  const field = network === 'dnn' ? 'energyPerMacPJ' : 'energyPerSyopPJ';
  const value = hardware[field];
  if (value === null) {
    const able = Object.values(HARDWARE_PROFILES)
      .filter((p) => p[field] !== null)
      .map((p) => p.name);
    throw new RangeError(
      `hardware '${hardware.name}' has no ${field} (it runs no ${network.toUpperCase()}); expected a profile that has, e.g. ${able.join(', ')}`,
    );
  }
  return value;
}

/** SNN: the rates and T that eq. 7 uses, checked against the model; DNN: null (no firing rates, no T). */
function spikeActivityFor(model: SplittableModel, count: OpCount, options: EnergyOptions): SpikeActivity | null {
  if (options.network === 'dnn') {
    if (options.firingRates !== undefined || options.T !== undefined) {
      throw new RangeError(`firing rates and T apply to SNN energy only; for network 'dnn' expected neither`);
    }
    return null;
  }
  if (!model.spiking)
    throw new RangeError(`SNN energy needs a spiking model; '${model.name}' is not (use network 'dnn')`);
  if (options.firingRates === undefined)
    throw new RangeError(
      'SNN energy needs firingRates; expected measured or supplied rates (energyTable measures them)',
    );
  return spikeActivity(parseFiringRates(options.firingRates, 'firingRates'), count, options.T, model.T);
}

/** The device's energy per image at each split point of `model`. */
export function energyReport(model: SplittableModel, options: EnergyOptions): EnergyReport {
  const { network } = options;
  if (!NETWORK_KINDS.includes(network))
    throw new RangeError(`network: expected one of ${NETWORK_KINDS.join(', ')}, got '${String(network)}'`);
  const hardware = hardwareProfile(options.hardware);
  const perOpPJ = energyPerOpPJ(hardware, network);
  const count: OpCount = countOps(model, { countedRoles: options.countedRoles, inputShape: options.inputShape });
  const activity = spikeActivityFor(model, count, options);
  const ops = deviceOps(activity);
  const layers = count.layers.map((l) => layerEnergy(l, activity, ops, perOpPJ));
  const radio = options.radio === undefined ? null : radioProfile(options.radio);
  const splits = count.splitPoints.map((p) => p.split);
  if (options.transmittedBits !== undefined) {
    if (radio === null) throw new RangeError('transmittedBits needs a radio profile; expected the radio option too');
    checkSplitPointTable(
      'transmittedBits',
      options.transmittedBits,
      splits,
      (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
      'a non-negative number',
    );
  }
  const counted = count.layers.filter((l) => l.counted);
  const rows: EnergyRow[] = splits.map((split, k) => {
    const row = splitRow(
      split,
      counted.filter((l) => splits.indexOf(l.splitPoint) <= k),
      ops,
      perOpPJ,
    );
    if (radio === null) return row;
    const [h, w, c] = model.splitShape(split);
    const transmittedBits =
      options.transmittedBits?.[split] ?? h * w * c * (activity === null ? 32 : activity.T(split));
    return { ...row, transmittedBits, transmitEnergyPJ: transmittedBits * radio.energyPerBitNJ * 1000 };
  });
  return {
    model: model.name,
    network,
    opUnit: network === 'dnn' ? 'MAC' : 'SyOP',
    hardware,
    radio,
    countedRoles: count.countedRoles,
    layers,
    rows,
  };
}

/** Ops per image of `layer` in the device part that ends at `split`: MACs (DNN), SyOPs at its input rate (SNN, eq. 7). */
type DeviceOps = (layer: CountedLayer, split: string) => number;

function deviceOps(activity: SpikeActivity | null): DeviceOps {
  return (layer, split) =>
    activity === null ? layer.macs : syops(activity.inputRate(layer, split), activity.T(split), layer.macs);
}

/** One layer's ops and energy when the device part ends at its own split point (0 for a layer not counted). */
function layerEnergy(l: CountedLayer, activity: SpikeActivity | null, ops: DeviceOps, perOpPJ: number): LayerEnergy {
  const layerOps = l.counted ? ops(l, l.splitPoint) : 0;
  const spiking =
    l.counted && activity !== null
      ? { inputRate: activity.inputRate(l, l.splitPoint), T: activity.T(l.splitPoint) }
      : null;
  return {
    name: l.name,
    splitPoint: l.splitPoint,
    role: l.role,
    kind: l.kind,
    counted: l.counted,
    macs: l.macs,
    inputFrom: l.inputFrom,
    inputRate: spiking?.inputRate ?? null,
    T: spiking?.T ?? null,
    ops: layerOps,
    energyPJ: layerOps * perOpPJ,
  };
}

/** The row of `split`: the ops of its own stage and of the whole device part (`device`, the counted layers up to it). */
function splitRow(split: string, device: CountedLayer[], ops: DeviceOps, perOpPJ: number): EnergyRow {
  const stageOps = device.filter((l) => l.splitPoint === split).reduce((s, l) => s + ops(l, split), 0);
  const cumulativeOps = device.reduce((s, l) => s + ops(l, split), 0);
  return {
    split,
    ops: stageOps,
    cumulativeOps,
    energyPJ: stageOps * perOpPJ,
    cumulativeEnergyPJ: cumulativeOps * perOpPJ,
  };
}
