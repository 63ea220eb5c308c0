// SpikeBottleNet Table 3 (ResNet-50, CIFAR-100), reproduced from the real ResNet-50 at width 1 traced by
// describeLayers: BottleNet++ (MACs x 4.6 pJ), SpikeBottleNet at 45 nm (SyOPs x 0.9 pJ) and on ROLLS
// (SyOPs x 77 fJ), and the two rows of ratios BottleNet++ / SpikeBottleNet, each to the decimals printed.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, energyReport, initBackend, SPIKEBOTTLENET_TABLE3_FIRING_RATES, type EnergyReport } from 'spikesplit';

// Table 3, cumulative energy in mJ per split point RB1..RB16.
const BOTTLENET_PP_45NM = [0.27, 0.6, 0.93, 1.33, 1.66, 1.99, 2.32, 2.72, 3.05, 3.38, 3.7, 4.03, 4.36, 4.77, 5.09, 5.42];
const SPIKEBOTTLENET_45NM = [0.15, 0.1, 0.15, 0.23, 0.26, 0.29, 0.31, 0.72, 0.39, 0.42, 0.46, 0.5, 0.99, 0.57, 1.13, 1.05];
const RATIO_45NM = [1.84, 6.09, 6.17, 5.82, 6.34, 6.84, 7.4, 3.76, 7.77, 7.95, 8.0, 8.11, 4.42, 8.42, 4.52, 5.18];
const SPIKEBOTTLENET_ROLLS = [0.013, 0.008, 0.013, 0.02, 0.022, 0.025, 0.027, 0.062, 0.034, 0.036, 0.04, 0.043, 0.084, 0.048, 0.096, 0.09];
const RATIO_ROLLS = [21.5, 71.17, 72.06, 68.04, 74.06, 79.95, 86.5, 43.93, 90.85, 92.88, 93.49, 94.8, 51.64, 98.42, 52.83, 60.54];

const mJ = (r: EnergyReport) => r.rows.map((row) => row.cumulativeEnergyPJ / 1e9);
const round = (xs: number[], decimals: number) => xs.map((x) => Number(x.toFixed(decimals)));

let dnn: EnergyReport;
let snn45: EnergyReport;
let snnRolls: EnergyReport;

before(async () => {
  await initBackend('wasm', () => {});
  const bottleNetPP = createModel('resnet50-dnn', { width: 1, classes: 100 });
  dnn = energyReport(bottleNetPP, { network: 'dnn', hardware: '45nm' });
  bottleNetPP.dispose();
  const spiking = createModel('resnet50', { width: 1, classes: 100 });
  snn45 = energyReport(spiking, { network: 'snn', hardware: '45nm', firingRates: SPIKEBOTTLENET_TABLE3_FIRING_RATES });
  snnRolls = energyReport(spiking, { network: 'snn', hardware: 'rolls', firingRates: SPIKEBOTTLENET_TABLE3_FIRING_RATES });
  spiking.dispose();
});

test("BottleNet++ row: the residual blocks' conv MACs x 4.6 pJ, cumulative RB1..RB16", () => {
  assert.deepEqual(dnn.rows.map((r) => r.split), Array.from({ length: 16 }, (_, i) => `RB${i + 1}`));
  assert.deepEqual(round(mJ(dnn), 2), BOTTLENET_PP_45NM);
  // By hand, RB1 (64 -> 64 -> 256 at 32x32): 1x1 64*64 + 3x3 64*64*9 + 1x1 64*256 per pixel, x 1024 pixels.
  assert.equal(dnn.rows[0].ops, (64 * 64 + 64 * 64 * 9 + 64 * 256) * 1024);
  assert.equal(dnn.opUnit, 'MAC');
});

test('SpikeBottleNet row at 45 nm (0.9 pJ per SyOP) and its ratio row', () => {
  assert.deepEqual(round(mJ(snn45), 2), SPIKEBOTTLENET_45NM);
  assert.deepEqual(round(mJ(dnn).map((d, i) => d / mJ(snn45)[i]), 2), RATIO_45NM);
  assert.equal(snn45.opUnit, 'SyOP');
});

test('SpikeBottleNet row on ROLLS (77 fJ per SyOP) and its ratio row', () => {
  assert.deepEqual(round(mJ(snnRolls), 3), SPIKEBOTTLENET_ROLLS);
  assert.deepEqual(round(mJ(dnn).map((d, i) => d / mJ(snnRolls)[i]), 2), RATIO_ROLLS);
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
