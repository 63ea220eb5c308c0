import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deviceEnergyEntry,
  deviceEnergyFigure,
  HARDWARE_PROFILES,
  RADIO_PROFILES,
  table3Entry,
  table3Rows,
  type EnergyReport,
  type EnergyRow,
} from 'spikesplit';

/** A report with the given cumulative energies (pJ) at RB1 and RB2. */
function report(
  network: 'dnn' | 'snn',
  hardware: '45nm' | 'rolls',
  cumulativePJ: [number, number],
  radio = false,
): EnergyReport {
  const rows: EnergyRow[] = (['RB1', 'RB2'] as const).map((split, i) => ({
    split,
    ops: 0,
    cumulativeOps: 0,
    energyPJ: 0,
    cumulativeEnergyPJ: cumulativePJ[i],
    ...(radio ? { transmittedBits: 1000 * (i + 1), transmitEnergyPJ: 1000 * (i + 1) * 438.39 * 1000 } : {}),
  }));
  return {
    model: 'resnet50',
    network,
    opUnit: network === 'dnn' ? 'MAC' : 'SyOP',
    hardware: HARDWARE_PROFILES[hardware],
    radio: radio ? RADIO_PROFILES['lte-uplink'] : null,
    countedRoles: ['block'],
    layers: [],
    rows,
  };
}

test('table3Entry and table3Rows: cumulative energies in mJ and the ratios BottleNet++ / SpikeBottleNet', () => {
  // The paper's RB1 column: BottleNet++ 0.27 mJ, SpikeBottleNet 0.15 mJ on 45 nm, 0.013 mJ on ROLLS.
  const reports = {
    dnn: report('dnn', '45nm', [0.27e9, 0.6e9]),
    snn45nm: report('snn', '45nm', [0.15e9, 0.1e9]),
    snnRolls: report('snn', 'rolls', [0.0125e9, 0]),
  };
  const entries = ['RB1', 'RB2'].map((split) => table3Entry(split, reports));
  assert.deepEqual(entries[0], { split: 'RB1', dnnPJ: 0.27e9, snn45nmPJ: 0.15e9, snnRollsPJ: 0.0125e9 });
  assert.deepEqual(table3Rows(entries), [
    {
      split: 'RB1',
      'BottleNet++, 45 nm (mJ)': 0.27,
      'SpikeBottleNet, 45 nm (mJ)': 0.15,
      'ratio, 45 nm': 1.8,
      'SpikeBottleNet, ROLLS (mJ)': 0.0125,
      'ratio, BottleNet++ 45 nm / ROLLS': 21.6,
    },
    {
      split: 'RB2',
      'BottleNet++, 45 nm (mJ)': 0.6,
      'SpikeBottleNet, 45 nm (mJ)': 0.1,
      'ratio, 45 nm': 6,
      'SpikeBottleNet, ROLLS (mJ)': 0,
      'ratio, BottleNet++ 45 nm / ROLLS': '∞ (no spikes)',
    },
  ]);
});

test('table3Entry checks which report is which, and names a missing split point', () => {
  const dnn = report('dnn', '45nm', [1, 2]);
  const snn = report('snn', '45nm', [1, 2]);
  assert.throws(
    () => table3Entry('RB1', { dnn: snn, snn45nm: snn, snnRolls: report('snn', 'rolls', [1, 2]) }),
    /'dnn' must be a DNN report on 45nm; got SNN on 45nm/,
  );
  assert.throws(
    () => table3Entry('RB9', { dnn, snn45nm: snn, snnRolls: report('snn', 'rolls', [1, 2]) }),
    /no split point 'RB9'; it has RB1, RB2/,
  );
});

test('deviceEnergyFigure puts compute and transmission side by side per split point, in mJ on a log axis, labelled', () => {
  const r = report('snn', '45nm', [2e9, 3e9], true);
  const entries = ['RB1', 'RB2'].map((split) => deviceEnergyEntry(r, split));
  assert.deepEqual(entries[1], {
    split: 'RB2',
    computePJ: 3e9,
    transmitPJ: 2000 * 438.39 * 1000,
    transmittedBits: 2000,
  });
  const fig = deviceEnergyFigure(entries, {
    title: 'Device energy',
    preset: 'tiny',
    backend: 'cpu',
    computeLabel: 'compute',
    transmitLabel: 'LTE',
  });
  assert.equal(fig.layout.barmode, 'group');
  assert.equal(fig.layout.yaxis?.type, 'log');
  assert.deepEqual(fig.data[0].y, [2, 3]);
  assert.deepEqual(fig.data[1].y, [0.43839, 0.87678]);
  assert.deepEqual(fig.data[1].text, ['0.438', '0.877']);
  assert.deepEqual(fig.data[1].hovertext, ['RB1: 1000 bits', 'RB2: 2000 bits']);
  assert.throws(
    () => deviceEnergyEntry(report('snn', '45nm', [1, 2]), 'RB1'),
    /no transmission; expected one made with a radio profile/,
  );
});
