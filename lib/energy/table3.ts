/**
 * SpikeBottleNet's Table 3 recomputed, as the three energy reports behind each split point's column: the DNN
 * twin's MACs on 45 nm (BottleNet++), and the spiking network's SyOPs on 45 nm and on ROLLS. With a radio the
 * 45 nm SNN report also carries what the device sends (the device-energy figure's transmission).
 *
 * Each split point can be its own network (the paper trains one per split point, with its own T and firing
 * rates), so a column's SNN reports come from the network made for that split point and only its own split
 * point is read from them. Models are built for the counting and disposed.
 *
 *   paperTable3Reports(radio)                                  // the paper's setting: one ResNet-50, the printed table's rates
 *   table3ReportsPerSplit({ model: 'resnet50-dnn', width }, rows, radio)   // one network per split point
 */
import { PAPER_TABLE1_PRINTED } from '../bottleneck/paper-table1';
import type { SplittableModel } from '../models/backbone';
import type { BackboneOptions } from '../models/options';
import { createModel } from '../models/registry';
import type { FiringRates } from './firing-rates';
import type { RadioProfile } from './profiles';
import { energyReport, type EnergyReport } from './report';
import { SPIKEBOTTLENET_TABLE3_FIRING_RATES } from './spikebottlenet-rates';

/** The reports behind one column of Table 3. */
export interface Table3Reports {
  readonly split: string;
  /** BottleNet++: the DNN's MACs on 45 nm. */
  readonly dnn: EnergyReport;
  /** SpikeBottleNet: SyOPs on 45 nm, with the radio's transmission when one is given. */
  readonly snn45nm: EnergyReport;
  /** SpikeBottleNet: SyOPs on ROLLS. */
  readonly snnRolls: EnergyReport;
}

/** The spiking network made for one split point, as a sweep row describes it. */
export interface Table3Network {
  readonly split: string;
  readonly model: string;
  readonly width: number;
  /** ResNet stem stride (1, the papers', when absent). */
  readonly stemStride?: 1 | 2;
  readonly T: number;
  /** The firing rate of every spike layer, by layer name, at `T`. */
  readonly firingRates: Readonly<Record<string, number>>;
  /** Bits the device sends per image at `split`. */
  readonly bits: number;
}

/** `f` of a freshly built model, which is disposed after. */
function withModel<R>(name: string, options: BackboneOptions, f: (model: SplittableModel) => R): R {
  const model = createModel(name, options);
  try {
    return f(model);
  } finally {
    model.dispose();
  }
}

/** The DNN report of Table 3's BottleNet++ row. */
function dnnReport(name: string, options: BackboneOptions): EnergyReport {
  return withModel(name, options, (model) => energyReport(model, { network: 'dnn', hardware: '45nm' }));
}

/** The two SNN reports of one network; `sentBits(split)` is what the radio sends at each split point. */
function spikingReports(
  model: SplittableModel,
  firingRates: FiringRates,
  radio: string | RadioProfile | undefined,
  sentBits: (split: string) => number,
) {
  const transmission =
    radio === undefined
      ? {}
      : { radio, transmittedBits: Object.fromEntries(model.splitPoints.map((p) => [p, sentBits(p)])) };
  return {
    snn45nm: energyReport(model, { network: 'snn', hardware: '45nm', firingRates, ...transmission }),
    snnRolls: energyReport(model, { network: 'snn', hardware: 'rolls', firingRates }),
  };
}

/**
 * The paper's setting: the spiking and the DNN ResNet-50 at width 1 (CIFAR-100), the firing rates and T per
 * split point behind the printed Table 3, and (with a radio) SpikeBottleNet's bytes per image from Table 1.
 */
export function paperTable3Reports(radio?: string | RadioProfile): Table3Reports[] {
  const options = { width: 1, classes: 100 };
  const dnn = dnnReport('resnet50-dnn', options);
  const printed = PAPER_TABLE1_PRINTED;
  const sentBits = (split: string) =>
    8 * printed.spikeBottleNetBytes[printed.splitPoints.indexOf(split as (typeof printed.splitPoints)[number])];
  return withModel('resnet50', options, (model) => {
    const snn = spikingReports(model, SPIKEBOTTLENET_TABLE3_FIRING_RATES, radio, sentBits);
    return model.splitPoints.map((split) => ({ split, dnn, ...snn }));
  });
}

/**
 * One column per network, each the network made for its split point: the DNN report is the twin `dnn` (same
 * split points and shapes), the SNN reports that network's at its measured firing rates and sent bits.
 */
export function table3ReportsPerSplit(
  dnn: { model: string; width: number; stemStride?: 1 | 2 },
  networks: readonly Table3Network[],
  radio?: string | RadioProfile,
): Table3Reports[] {
  const dnnRows = dnnReport(dnn.model, { width: dnn.width, stemStride: dnn.stemStride });
  return networks.map((n) =>
    withModel(n.model, { width: n.width, stemStride: n.stemStride, T: n.T }, (model) => {
      const firingRates: FiringRates = { per: 'layer', rates: n.firingRates, T: n.T };
      return { split: n.split, dnn: dnnRows, ...spikingReports(model, firingRates, radio, () => n.bits) };
    }),
  );
}
