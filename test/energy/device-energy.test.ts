// Device energy of split and compressed models: every layer the device runs, the bottleneck encoder and the
// temporal encoder included, against hand-computed values.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  backboneDeviceLayers,
  createModel,
  deviceEnergy,
  energyReport,
  frameEncoder,
  initBackend,
  insertBottleneck,
  splitDeviceLayers,
  TemporallyCompressedModel,
} from 'spikesplit';

before(async () => {
  await initBackend('wasm', () => {});
});

const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.abs(b), `${what}: ${a} != ${b}`);

test("a compressed model's device energy counts the head, the bottleneck encoder and the temporal encoder (hand-computed, 45 nm)", () => {
  // 1/16-width ResNet-18 (stem and RB1 have 4 channels) at T = 2, split after RB1 (32x32x4), c' = 2, T' = 1.
  const backbone = createModel('resnet18', { width: 1 / 16, T: 2 });
  const model = new TemporallyCompressedModel(insertBottleneck(backbone, 'RB1', { channels: 2 }), { sentSteps: 1 });
  const rates = { 'stem.lif': 0.3, 'RB1.lif1': 0.2, 'RB1.lif2': 0.1, 'bottleneck.encoder.lif': 0.5 };
  const energy = deviceEnergy(model.deviceLayers(), { hardware: '45nm', firingRates: rates });
  // MACs per image per step: stem 3x3 conv 3->4 on 32x32; RB1's two 3x3 convs 4->4; the bottleneck encoder's
  // 3x3 conv 4->2; the temporal mix one weight per sent neuron: 32x32x2.
  const stem = 32 * 32 * 4 * 3 * 3 * 3; // reads the direct-encoded image: MACs at every step, 4.6 pJ each
  const rb1 = 32 * 32 * 4 * 3 * 3 * 4;
  const unitConv = 32 * 32 * 2 * 3 * 3 * 4;
  const mix = 32 * 32 * 2;
  const expected = {
    'stem.conv': 2 * stem * 4.6,
    'RB1.conv1': 0.3 * 2 * rb1 * 0.9, // SyOPs = rate of what it reads x T x MACs, 0.9 pJ each
    'RB1.conv2': 0.2 * 2 * rb1 * 0.9,
    'bottleneck.encoder.conv': 0.1 * 2 * unitConv * 0.9,
    'temporal.encoder.mix': 0.5 * 2 * mix * 0.9,
  };
  assert.deepEqual(
    energy.layers.map((l) => l.name),
    Object.keys(expected),
  );
  for (const l of energy.layers) close(l.energyPJ, expected[l.name as keyof typeof expected], l.name);
  close(
    energy.partsPJ.backbone,
    expected['stem.conv'] + expected['RB1.conv1'] + expected['RB1.conv2'],
    'backbone part',
  );
  close(energy.partsPJ['bottleneck encoder'], expected['bottleneck.encoder.conv'], 'bottleneck encoder part');
  close(energy.partsPJ['temporal encoder'], expected['temporal.encoder.mix'], 'temporal encoder part');
  close(
    energy.totalPJ,
    Object.values(expected).reduce((s, v) => s + v, 0),
    'total',
  );
  assert.deepEqual(
    energy.layers.map((l) => l.opUnit),
    ['MAC', 'SyOP', 'SyOP', 'SyOP', 'SyOP'],
  );
  close(energy.realInputPJ, expected['stem.conv'], 'layers reading real values: the stem');

  // The plain split (no temporal compression) is the same without the mix.
  const plain = deviceEnergy(splitDeviceLayers(model.model), { hardware: '45nm', firingRates: rates });
  close(plain.totalPJ, energy.totalPJ - expected['temporal.encoder.mix'], 'plain split');
  // energyReport (blocks and shortcuts; it needs a rate for every layer) agrees on RB1 and leaves the bottleneck out.
  const everyLayer = Object.fromEntries(
    backboneDeviceLayers(backbone).flatMap((l) => (l.inputFrom === null ? [] : [[l.inputFrom, 0]])),
  );
  const report = energyReport(backbone, {
    network: 'snn',
    hardware: '45nm',
    firingRates: { per: 'layer', rates: { ...everyLayer, ...rates } },
    countedRoles: ['block', 'shortcut'],
  });
  close(report.rows[0].cumulativeEnergyPJ, expected['RB1.conv1'] + expected['RB1.conv2'], 'energyReport at RB1');

  assert.throws(
    () =>
      deviceEnergy(model.deviceLayers(), {
        hardware: '45nm',
        firingRates: { ...rates, 'RB1.lif2': undefined as unknown as number },
      }),
    /'bottleneck.encoder.conv' reads spike layer 'RB1.lif2', whose firing rate is undefined/,
  );
  assert.throws(
    () => deviceEnergy(model.deviceLayers(), { hardware: 'rolls', firingRates: rates }),
    /'stem.conv' needs energyPerMacPJ, which hardware 'rolls' does not have/,
  );
  model.dispose();
  model.model.dispose();
  backbone.dispose();
});

test('edge-only layers: the whole backbone with its classifier; event input makes the stem read spikes', () => {
  const events = createModel('vgg16', { width: 1 / 16, T: 2, encoder: frameEncoder(), inputShape: [32, 32, 2] });
  const all = backboneDeviceLayers(events);
  assert.equal(all.length, 13 + 1, 'thirteen convs and the classifier');
  assert.deepEqual(
    { name: all[0].name, inputFrom: all[0].inputFrom, macs: all[0].macs },
    { name: 'P1.conv1', inputFrom: 'input', macs: 32 * 32 * 4 * 3 * 3 * 2 },
  );
  assert.equal(all[all.length - 1].name, 'fc');
  const split = splitDeviceLayers(insertBottleneck(events, 'P2', { channels: 2 }));
  assert.deepEqual(
    split.map((l) => l.name),
    ['P1.conv1', 'P1.conv2', 'P2.conv1', 'P2.conv2', 'bottleneck.encoder.conv'],
  );
  assert.equal(split[4].inputFrom, 'P2.pool', 'the encoder reads the pooled spikes of the split point');
  events.dispose();
});
