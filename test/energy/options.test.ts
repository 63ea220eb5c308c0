// Profiles, firing-rate data, transmission energy, and the errors that name what is wrong.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createModel,
  energyReport,
  hardwareProfile,
  initBackend,
  parseFiringRates,
  radioProfile,
  SPIKEBOTTLENET_TABLE3_FIRING_RATES,
  type SplittableModel,
} from 'spikesplit';

let resnet18: SplittableModel;

before(async () => {
  await initBackend('cpu', () => {});
  resnet18 = createModel('resnet18', { width: 1 / 16, T: 4 });
});

after(() => resnet18.dispose());

test("built-in profiles carry the paper's energies; a user's profile is checked field by field", () => {
  assert.equal(hardwareProfile('45nm').energyPerMacPJ, 4.6);
  assert.equal(hardwareProfile('45nm').energyPerSyopPJ, 0.9);
  assert.equal(hardwareProfile('rolls').energyPerSyopPJ, 0.077);
  assert.throws(() => hardwareProfile('7nm'), /unknown hardware profile '7nm'; expected one of 45nm, rolls/);
  const mine = {
    name: 'mine',
    description: 'test chip',
    source: 'made up',
    energyPerMacPJ: null,
    energyPerSyopPJ: 0.01,
  };
  assert.equal(hardwareProfile(mine), mine);
  assert.throws(() => hardwareProfile({ ...mine, energyPerSyopPJ: -1 }), /'energyPerSyopPJ' is -1; expected/);
  assert.throws(() => hardwareProfile({ ...mine, energyPerSyopPJ: null }), /both null/);
  assert.throws(() => radioProfile('5g'), /unknown radio profile '5g'; expected one of lte-uplink, wifi-uplink/);
});

test('a hardware profile without MAC energy cannot run a DNN; an SNN needs rates and a spiking model', () => {
  assert.throws(
    () => energyReport(resnet18, { network: 'dnn', hardware: 'rolls' }),
    /hardware 'rolls' has no energyPerMacPJ .* e\.g\. 45nm/,
  );
  assert.throws(() => energyReport(resnet18, { network: 'snn', hardware: '45nm' }), /SNN energy needs firingRates/);
  const dnn = createModel('resnet50-dnn', { width: 1 / 16 });
  assert.throws(
    () => energyReport(dnn, { network: 'snn', hardware: '45nm', firingRates: { per: 'layer', rates: { x: 0 } } }),
    /needs a spiking model; 'resnet50-dnn' is not/,
  );
  dnn.dispose();
  assert.throws(() => energyReport(resnet18, { network: 'dnn', hardware: '45nm', T: 4 }), /SNN energy only/);
});

test('firing-rate files: both forms parse; bad ones name the problem and the expected format', () => {
  assert.deepEqual(
    parseFiringRates(JSON.parse(JSON.stringify(SPIKEBOTTLENET_TABLE3_FIRING_RATES))),
    SPIKEBOTTLENET_TABLE3_FIRING_RATES,
  );
  assert.deepEqual(parseFiringRates({ per: 'layer', rates: { 'RB1.lif1': 0.2 }, T: 2 }), {
    per: 'layer',
    rates: { 'RB1.lif1': 0.2 },
    T: 2,
  });
  assert.throws(
    () => parseFiringRates({ 'RB1.lif1': 0.2 }, 'rates.json'),
    /rates.json: unexpected field\(s\) 'RB1.lif1'; expected \{ "per": "layer"/,
  );
  assert.throws(() => parseFiringRates({ per: 'layer', rates: { a: 1.5 } }), /rates out of \[0, 1\]: a = 1.5/);
  assert.throws(
    () => parseFiringRates({ per: 'layer', rates: { a: 0.5 }, T: { RB1: 2 } }),
    /"T" is \{"RB1":2\}, not a positive integer;/,
  );
  assert.throws(
    () => parseFiringRates({ per: 'block', rates: { a: 0.5 } }),
    /"per" is "block", not "layer" or "splitPoint"/,
  );
});

test('rates per split point must match the model; T given twice must agree; the image-fed stem has no SyOPs', () => {
  const rates = { per: 'splitPoint' as const, rates: Object.fromEntries(resnet18.splitPoints.map((p) => [p, 0.1])) };
  const report = energyReport(resnet18, { network: 'snn', hardware: '45nm', firingRates: rates, T: 2 });
  assert.ok(report.rows.every((r, k) => k === 0 || r.cumulativeOps > report.rows[k - 1].cumulativeOps));
  assert.throws(
    () => energyReport(resnet18, { network: 'snn', hardware: '45nm', firingRates: SPIKEBOTTLENET_TABLE3_FIRING_RATES }),
    /firing rates per split point of resnet18: unknown split point\(s\) 'RB9', 'RB10', .* expected a rate for each of RB1, RB2/,
  );
  assert.throws(
    () => energyReport(resnet18, { network: 'snn', hardware: '45nm', firingRates: { ...rates, T: 4 }, T: 2 }),
    /T is given twice, 2 as an option and 4/,
  );
  assert.throws(
    () =>
      energyReport(resnet18, { network: 'snn', hardware: '45nm', firingRates: rates, countedRoles: ['stem', 'block'] }),
    /'stem.conv' read the encoded image, not spikes, .* role\(s\) 'stem' left out/,
  );
});

test('transmission: bits at the split point x energy per bit, beside the compute energy', () => {
  const radio = { name: 'test', description: 'a radio', source: 'test', energyPerBitNJ: 2 };
  const rates = {
    per: 'splitPoint' as const,
    rates: Object.fromEntries(resnet18.splitPoints.map((p) => [p, 0.1])),
    T: 3,
  };
  const snn = energyReport(resnet18, { network: 'snn', hardware: '45nm', firingRates: rates, radio });
  const [h, w, c] = resnet18.splitShape('RB1');
  assert.equal(snn.rows[0].transmittedBits, h * w * c * 3); // one bit per neuron per step
  assert.equal(snn.rows[0].transmitEnergyPJ, h * w * c * 3 * 2000);
  const dnn = energyReport(resnet18, { network: 'dnn', hardware: '45nm', radio: 'lte-uplink' });
  assert.equal(dnn.rows[0].transmittedBits, h * w * c * 32); // float32
  const sent = Object.fromEntries(resnet18.splitPoints.map((p) => [p, 512]));
  const coded = energyReport(resnet18, { network: 'dnn', hardware: '45nm', radio, transmittedBits: sent });
  assert.ok(coded.rows.every((r) => r.transmittedBits === 512 && r.transmitEnergyPJ === 512 * 2000));
  assert.equal(energyReport(resnet18, { network: 'dnn', hardware: '45nm' }).rows[0].transmittedBits, undefined);
  assert.throws(
    () => energyReport(resnet18, { network: 'dnn', hardware: '45nm', transmittedBits: sent }),
    /needs a radio profile/,
  );
  assert.throws(
    () => energyReport(resnet18, { network: 'dnn', hardware: '45nm', radio, transmittedBits: { RB1: 1 } }),
    /transmittedBits: none for 'RB2'/,
  );
});
