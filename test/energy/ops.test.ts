// Op counts and SyOPs of a small conv net, against hand computation; SyOPs from the monitor on real forward passes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  Classifier,
  Conv2d,
  ConvTranspose2d,
  countOps,
  energyReport,
  energyTable,
  frameEncoder,
  initBackend,
  LIF,
  Rng,
  Sequential,
  SplitBackbone,
} from 'spikesplit';

before(async () => {
  await initBackend('cpu', () => {});
});

/**
 * Spike frames [T*B, 8, 8, 2] in. S1: conv 3x3 2->4 (block), LIF, conv 1x1 4->4 (shortcut role), LIF -> 8x8x4.
 * S2: conv 3x3 stride 2 4->6 (block) -> 4x4x6, LIF, deconv 2x2 stride 2 6->2 (block) -> 8x8x2, LIF. fc 2->3.
 */
function smallNet(T: number): SplitBackbone {
  const rng = new Rng(5);
  const lif = { decay: 0.5, vth: 0.5 };
  return new SplitBackbone({
    name: 'small',
    T,
    spiking: true,
    inputShape: [8, 8, 2],
    encoder: frameEncoder(),
    stem: null,
    stages: [
      {
        name: 'S1',
        module: new Sequential('S1', [
          new Conv2d('S1.conv', { inChannels: 2, outChannels: 4, kernel: 3, role: 'block', rng }),
          new LIF('S1.lif1', lif),
          new Conv2d('S1.proj', { inChannels: 4, outChannels: 4, kernel: 1, role: 'shortcut', rng }),
          new LIF('S1.lif2', lif),
        ]),
      },
      {
        name: 'S2',
        module: new Sequential('S2', [
          new Conv2d('S2.conv', { inChannels: 4, outChannels: 6, kernel: 3, stride: 2, role: 'block', rng }),
          new LIF('S2.lif1', lif),
          new ConvTranspose2d('S2.up', { inChannels: 6, outChannels: 2, kernel: 2, stride: 2, role: 'block', rng }),
          new LIF('S2.lif2', lif),
        ]),
      },
    ],
    classifier: new Classifier('fc', 2, 3, rng),
  });
}

// MACs per image per step, by hand: output pixels x kernel area x Cin x Cout (conv); input pixels x ... (deconv).
const S1_CONV = 8 * 8 * 9 * 2 * 4; // 4608
const S1_PROJ = 8 * 8 * 1 * 4 * 4; // 1024
const S2_CONV = 4 * 4 * 9 * 4 * 6; // 3456
const S2_UP = 4 * 4 * 4 * 6 * 2; // 768

test('MACs per layer, per split point and cumulative, against a hand count; roles select what counts', () => {
  const model = smallNet(2);
  const paper = countOps(model);
  assert.deepEqual(
    paper.layers.map((l) => [l.name, l.splitPoint, l.kind, l.role, l.macs, l.counted, l.inputFrom]),
    [
      ['S1.conv', 'S1', 'conv', 'block', S1_CONV, true, 'input'],
      ['S1.proj', 'S1', 'conv', 'shortcut', S1_PROJ, false, 'S1.lif1'],
      ['S2.conv', 'S2', 'conv', 'block', S2_CONV, true, 'S1.lif2'],
      ['S2.up', 'S2', 'deconv', 'block', S2_UP, true, 'S2.lif1'],
    ],
  ); // the classifier (fc) runs on the server: no split point, never counted
  assert.deepEqual(paper.splitPoints, [
    { split: 'S1', macs: S1_CONV, cumulativeMacs: S1_CONV },
    { split: 'S2', macs: S2_CONV + S2_UP, cumulativeMacs: S1_CONV + S2_CONV + S2_UP },
  ]);
  const all = countOps(model, { countedRoles: ['block', 'shortcut'] });
  assert.deepEqual(
    all.splitPoints.map((p) => p.cumulativeMacs),
    [S1_CONV + S1_PROJ, S1_CONV + S1_PROJ + S2_CONV + S2_UP],
  );
  assert.throws(
    () => countOps(model, { countedRoles: ['blocks' as 'block'] }),
    /unknown 'blocks'; expected some of stem .*block/,
  );
  const dnn = energyReport(model, { network: 'dnn', hardware: '45nm' });
  assert.deepEqual(
    dnn.rows.map((r) => [r.ops, r.cumulativeOps]),
    [
      [S1_CONV, S1_CONV],
      [S2_CONV + S2_UP, S1_CONV + S2_CONV + S2_UP],
    ],
  );
  assert.equal(dnn.rows[1].cumulativeEnergyPJ, (S1_CONV + S2_CONV + S2_UP) * 4.6);
  model.dispose();
});

test('SyOPs from supplied per-layer rates: rate of the spikes a layer reads x T x MACs', () => {
  const model = smallNet(2);
  const rates = { input: 0.5, 'S1.lif1': 0.25, 'S1.lif2': 0.1, 'S2.lif1': 0.2 };
  const report = energyReport(model, { network: 'snn', hardware: '45nm', firingRates: { per: 'layer', rates }, T: 3 });
  const s1 = 0.5 * 3 * S1_CONV; // 6912
  const s2 = 0.1 * 3 * S2_CONV + 0.2 * 3 * S2_UP; // 1036.8 + 460.8
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  assert.ok(close(report.rows[0].ops, s1) && close(report.rows[0].cumulativeOps, s1));
  assert.ok(close(report.rows[1].ops, s2) && close(report.rows[1].cumulativeOps, s1 + s2));
  assert.ok(close(report.rows[1].cumulativeEnergyPJ, (s1 + s2) * 0.9));
  assert.deepEqual(
    report.layers.map((l) => [l.name, l.inputRate, l.T]),
    [
      ['S1.conv', 0.5, 3],
      ['S1.proj', null, null],
      ['S2.conv', 0.1, 3],
      ['S2.up', 0.2, 3],
    ],
  );
  assert.throws(
    () =>
      energyReport(model, { network: 'snn', hardware: '45nm', firingRates: { per: 'layer', rates: { input: 0.5 } } }),
    /no rate for spike layer\(s\) 'S1.lif2' \(read by S2.conv\), 'S2.lif1' \(read by S2.up\)/,
  );
  model.dispose();
});

test('measured on a real forward pass: all-zero spikes give 0 SyOPs, all-one spikes T x MACs', () => {
  const T = 3;
  const B = 2;
  const model = smallNet(T);
  const zeros = energyTable(model, tf.zeros([T * B, 8, 8, 2]), { hardware: '45nm' });
  assert.equal(zeros.layers[0].inputRate, 0);
  assert.equal(zeros.rows[0].ops, 0);
  const ones = energyTable(model, tf.ones([T * B, 8, 8, 2]), { hardware: 'rolls' });
  assert.equal(ones.layers[0].name, 'S1.conv');
  assert.equal(ones.layers[0].inputRate, 1);
  assert.equal(ones.layers[0].ops, T * S1_CONV);
  assert.equal(ones.rows[0].ops, T * S1_CONV);
  assert.ok(Math.abs(ones.rows[0].energyPJ - T * S1_CONV * 0.077) < 1e-9);
  model.dispose();
});

test("energyTable's per-layer rates are the monitor's (eq. 8), and each layer's SyOPs use its input's rate", () => {
  const T = 2;
  const model = smallNet(T);
  const frames = tf.tidy(() =>
    tf.cast(tf.less(tf.randomUniform([T * 4, 8, 8, 2], 0, 1, 'float32', 7), 0.3), 'float32'),
  );
  const report = energyTable(model, frames, { hardware: '45nm', countedRoles: ['block', 'shortcut'] });
  // The rate of 'input' is the mean of the frames; S2.conv reads S1.lif2, which is the S1 split point's output.
  const inputRate = tf.mean(frames).dataSync()[0];
  const s1Out = tf.mean(model.forwardTo(frames, 'S1')).dataSync()[0];
  const byName = Object.fromEntries(report.layers.map((l) => [l.name, l]));
  assert.ok(Math.abs(byName['S1.conv'].inputRate! - inputRate) < 1e-6);
  assert.ok(Math.abs(byName['S2.conv'].inputRate! - s1Out) < 1e-6);
  for (const l of report.layers) assert.ok(Math.abs(l.ops - l.inputRate! * T * l.macs) <= 1e-6 * l.macs, l.name);
  const cumulative = report.layers.reduce((s, l) => s + l.ops, 0);
  assert.ok(Math.abs(report.rows[1].cumulativeOps - cumulative) <= 1e-6 * cumulative);
  model.dispose();
});
