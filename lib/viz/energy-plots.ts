/**
 * Energy reports as the analogue of SpikeBottleNet's Table 3 (the device's compute energy per image up to each
 * split point: BottleNet++ on 45 nm, SpikeBottleNet on 45 nm and on ROLLS, and the ratios) and as a figure of the
 * device's energy per split point with compute and transmission stacked.
 */
import { PAPER_TABLE3_PRINTED } from '../energy/paper-table3';
import type { EnergyReport, EnergyRow } from '../energy/report';
import type { Table3Reports } from '../energy/table3';
import { figure, type Figure } from './figure';
import { roundTo, significant3 } from './format';
import { seriesColor } from './palette';
import type { FigureText } from './figure-text';

/** The report's row for `split`; throws naming the split points it has. */
function rowAt(report: EnergyReport, split: string): EnergyRow {
  const row = report.rows.find((r) => r.split === split);
  if (!row)
    throw new RangeError(
      `the energy report of ${report.model} has no split point '${split}'; it has ${report.rows.map((r) => r.split).join(', ')}`,
    );
  return row;
}

/** One split point of Table 3: the device's cumulative compute energy per image, in pJ. */
export interface Table3Entry {
  split: string;
  /** BottleNet++: the DNN's MACs on 45 nm. */
  dnnPJ: number;
  /** SpikeBottleNet: SyOPs on 45 nm (an AC each). */
  snn45nmPJ: number;
  /** SpikeBottleNet: SyOPs on ROLLS. */
  snnRollsPJ: number;
}

/**
 * The Table 3 column of `split` from three reports: a DNN one on 45 nm and two SNN ones (45 nm, ROLLS). The SNN
 * reports may come from the network trained for this split point alone (each split point is its own network).
 */
export function table3Entry(
  split: string,
  reports: { dnn: EnergyReport; snn45nm: EnergyReport; snnRolls: EnergyReport },
): Table3Entry {
  const expect = (r: EnergyReport, network: string, hardware: string, which: string) => {
    if (r.network !== network || r.hardware.name !== hardware) {
      throw new RangeError(
        `table3Entry: '${which}' must be a ${network.toUpperCase()} report on ${hardware}; got ${r.network.toUpperCase()} on ${r.hardware.name}`,
      );
    }
  };
  expect(reports.dnn, 'dnn', '45nm', 'dnn');
  expect(reports.snn45nm, 'snn', '45nm', 'snn45nm');
  expect(reports.snnRolls, 'snn', 'rolls', 'snnRolls');
  return {
    split,
    dnnPJ: rowAt(reports.dnn, split).cumulativeEnergyPJ,
    snn45nmPJ: rowAt(reports.snn45nm, split).cumulativeEnergyPJ,
    snnRollsPJ: rowAt(reports.snnRolls, split).cumulativeEnergyPJ,
  };
}

const mJ = (pJ: number) => significant3(pJ / 1e9);

/** Table 3 as table rows, energies in mJ to three significant digits, ratios BottleNet++ / SpikeBottleNet. */
export function table3Rows(entries: readonly Table3Entry[]): Record<string, string | number>[] {
  return entries.map((e) => ({
    split: e.split,
    'BottleNet++, 45 nm (mJ)': mJ(e.dnnPJ),
    'SpikeBottleNet, 45 nm (mJ)': mJ(e.snn45nmPJ),
    'ratio, 45 nm': e.snn45nmPJ > 0 ? roundTo(e.dnnPJ / e.snn45nmPJ, 2) : '∞ (no spikes)',
    'SpikeBottleNet, ROLLS (mJ)': mJ(e.snnRollsPJ),
    'ratio, BottleNet++ 45 nm / ROLLS': e.snnRollsPJ > 0 ? roundTo(e.dnnPJ / e.snnRollsPJ, 2) : '∞ (no spikes)',
  }));
}

/** Table 3's columns (`paperTable3Reports`, `table3ReportsPerSplit`) as entries, one per split point. */
export function table3Entries(columns: readonly Table3Reports[]): Table3Entry[] {
  return columns.map((column) => table3Entry(column.split, column));
}

/** SpikeBottleNet's Table 3 as printed, in the columns of `table3Rows`. */
export function paperTable3PrintedRows(): Record<string, string | number>[] {
  const p = PAPER_TABLE3_PRINTED;
  return p.splitPoints.map((split, i) => ({
    split,
    'BottleNet++, 45 nm (mJ)': p.bottleNetPP45nmMJ[i],
    'SpikeBottleNet, 45 nm (mJ)': p.spikeBottleNet45nmMJ[i],
    'ratio, 45 nm': p.ratio45nm[i],
    'SpikeBottleNet, ROLLS (mJ)': p.spikeBottleNetRollsMJ[i],
    'ratio, BottleNet++ 45 nm / ROLLS': p.ratioRolls[i],
  }));
}

/** The device's energy per image at one split point: compute through the split point, and transmitting what it sends. */
export interface DeviceEnergyEntry {
  split: string;
  computePJ: number;
  transmitPJ: number;
  transmittedBits: number;
}

/** The device's energy at `split` from a report made with a radio profile. */
export function deviceEnergyEntry(report: EnergyReport, split: string): DeviceEnergyEntry {
  const row = rowAt(report, split);
  if (report.radio === null || row.transmitEnergyPJ === undefined || row.transmittedBits === undefined) {
    throw new RangeError(
      `deviceEnergyEntry: the energy report of ${report.model} has no transmission; expected one made with a radio profile`,
    );
  }
  return {
    split,
    computePJ: row.cumulativeEnergyPJ,
    transmitPJ: row.transmitEnergyPJ,
    transmittedBits: row.transmittedBits,
  };
}

/** The device's energy at each column's split point, from its 45 nm SNN report (made with a radio profile). */
export function deviceEnergyEntries(columns: readonly Table3Reports[]): DeviceEnergyEntry[] {
  return columns.map((column) => deviceEnergyEntry(column.snn45nm, column.split));
}

/**
 * Compute and transmission energy per image side by side at each split point, in mJ on a log axis, each bar
 * labelled with its value: the radio's millijoules can be a thousand times the compute's, which a linear
 * (or stacked) axis would flatten to nothing.
 */
export function deviceEnergyFigure(
  entries: readonly DeviceEnergyEntry[],
  options: FigureText & { computeLabel: string; transmitLabel: string },
): Figure {
  if (entries.length === 0) throw new RangeError('deviceEnergyFigure needs at least one split point');
  const x = entries.map((e) => e.split);
  // Past 8 split points the bars are too narrow for level labels: they stand upright above the bars.
  const upright = entries.length > 8;
  const bars = (name: string, mJ: number[], k: number, hover: string[]) => ({
    type: 'bar' as const,
    name,
    x,
    y: mJ,
    marker: { color: seriesColor(k) },
    text: mJ.map((v) => `${significant3(v)}`),
    textposition: 'outside',
    hovertext: hover,
    cliponaxis: false,
    ...(upright ? { textangle: -90 } : {}),
  });
  const fig = figure({
    ...options,
    data: [
      bars(
        options.computeLabel,
        entries.map((e) => e.computePJ / 1e9),
        0,
        entries.map((e) => `${e.split}: compute`),
      ),
      bars(
        options.transmitLabel,
        entries.map((e) => e.transmitPJ / 1e9),
        1,
        entries.map((e) => `${e.split}: ${e.transmittedBits} bits`),
      ),
    ],
    xaxis: { title: { text: 'split point' }, type: 'category' },
    yaxis: { title: { text: 'device energy per image (mJ, log scale)' }, type: 'log' },
  });
  fig.layout.barmode = 'group';
  // Labels keep one readable size instead of shrinking to each bar's width.
  fig.layout.uniformtext = { minsize: 10, mode: 'show' };
  fig.layout.legend = { orientation: 'h', y: -0.25 };
  return fig;
}
