// SpikeBottleNet Table 3 (ResNet-50, CIFAR-100), reproduced from the real ResNet-50 at width 1 traced by
// describeLayers: BottleNet++ (MACs x 4.6 pJ), SpikeBottleNet at 45 nm (SyOPs x 0.9 pJ) and on ROLLS
// (SyOPs x 77 fJ), and the two rows of ratios BottleNet++ / SpikeBottleNet, each to the decimals printed.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  createModel,
  energyReport,
  FiringRateMonitor,
  firingRatesFromMonitor,
  initBackend,
  PAPER_TABLE3_PRINTED,
  paperTable3Reports,
  SPIKEBOTTLENET_TABLE3_FIRING_RATES,
  table3ReportsPerSplit,
  type EnergyReport,
  type Table3Reports,
} from 'spikesplit';

const printed = PAPER_TABLE3_PRINTED;
/** Cumulative energy in mJ at each column's own split point. */
const mJ = (pick: (c: Table3Reports) => EnergyReport) =>
  columns.map((c) => pick(c).rows.find((r) => r.split === c.split)!.cumulativeEnergyPJ / 1e9);
const round = (xs: number[], decimals: number) => xs.map((x) => Number(x.toFixed(decimals)));

let columns: Table3Reports[];
let dnn: EnergyReport;
let snn45: EnergyReport;

before(async () => {
  await initBackend('wasm', () => {});
  columns = paperTable3Reports('lte-uplink');
  ({ dnn, snn45nm: snn45 } = columns[0]);
});

test("BottleNet++ row: the residual blocks' conv MACs x 4.6 pJ, cumulative RB1..RB16", () => {
  assert.deepEqual(
    columns.map((c) => c.split),
    printed.splitPoints,
  );
  assert.deepEqual(
    dnn.rows.map((r) => r.split),
    printed.splitPoints,
  );
  assert.deepEqual(
    round(
      mJ((c) => c.dnn),
      2,
    ),
    printed.bottleNetPP45nmMJ,
  );
  // By hand, RB1 (64 -> 64 -> 256 at 32x32): 1x1 64*64 + 3x3 64*64*9 + 1x1 64*256 per pixel, x 1024 pixels.
  assert.equal(dnn.rows[0].ops, (64 * 64 + 64 * 64 * 9 + 64 * 256) * 1024);
  assert.equal(dnn.opUnit, 'MAC');
});

test('SpikeBottleNet row at 45 nm (0.9 pJ per SyOP) and its ratio row', () => {
  const snn = mJ((c) => c.snn45nm);
  assert.deepEqual(round(snn, 2), printed.spikeBottleNet45nmMJ);
  assert.deepEqual(
    round(
      mJ((c) => c.dnn).map((d, i) => d / snn[i]),
      2,
    ),
    printed.ratio45nm,
  );
  assert.equal(snn45.opUnit, 'SyOP');
});

test('SpikeBottleNet row on ROLLS (77 fJ per SyOP) and its ratio row', () => {
  const rolls = mJ((c) => c.snnRolls);
  assert.deepEqual(round(rolls, 3), printed.spikeBottleNetRollsMJ);
  assert.deepEqual(
    round(
      mJ((c) => c.dnn).map((d, i) => d / rolls[i]),
      2,
    ),
    printed.ratioRolls,
  );
});

test("the SNN rows are eq. 7 on the DNN's MACs: rate x T (Table 1's time step) x cumulative MACs", () => {
  const { rates, T } = SPIKEBOTTLENET_TABLE3_FIRING_RATES;
  const steps = T as Record<string, number>;
  snn45.rows.forEach((row, k) => {
    const want = rates[row.split] * steps[row.split] * dnn.rows[k].cumulativeOps;
    assert.ok(Math.abs(row.cumulativeOps - want) <= 1e-9 * want, `${row.split}: ${row.cumulativeOps} vs ${want}`);
  });
  // Within a split point's network the block's own SyOPs are part of the cumulative ones.
  assert.ok(snn45.rows.every((r) => r.ops > 0 && r.ops <= r.cumulativeOps));
});

test("with a radio, the 45 nm SNN report sends Table 1's SpikeBottleNet bytes at each split point", () => {
  assert.deepEqual(snn45.rows.map((r) => r.transmittedBits).slice(0, 3), [8 * 8192, 8 * 4096, 8 * 4096]);
  assert.equal(columns[0].snnRolls.radio, null);
});

test('one network per split point: each column is its own network at its measured rates and sent bits', () => {
  const options = { width: 1 / 16, T: 2 };
  const model = createModel('resnet18', options);
  const monitor = new FiringRateMonitor();
  tf.dispose(
    model.forwardTo(tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 3), 'RB8', { T: 2, observer: monitor }),
  );
  const firingRates = firingRatesFromMonitor(monitor.read());
  monitor.clear();
  const [column] = table3ReportsPerSplit(
    { model: 'resnet18-dnn', width: 1 / 16 },
    [{ split: 'RB2', model: 'resnet18', ...options, firingRates: firingRates.rates, bits: 100 }],
    'lte-uplink',
  );
  const want = energyReport(model, { network: 'snn', hardware: 'rolls', firingRates });
  model.dispose();
  assert.equal(column.split, 'RB2');
  assert.deepEqual(column.snnRolls.rows, want.rows);
  assert.equal(column.dnn.model, 'resnet18-dnn');
  assert.deepEqual(
    column.snn45nm.rows.map((r) => r.transmittedBits),
    Array(8).fill(100),
  );
});
