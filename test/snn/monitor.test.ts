import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { FiringRateMonitor, initBackend, LIF, Sequential, spikingResNet18 } from 'spikesplit';

before(async () => {
  await initBackend('cpu', () => {});
});

test('hand-checkable rates: spikes / (neurons x T) over the batch, accumulated over passes', () => {
  // decay 0.5, Vth 1, T = 2, B = 2, 2 neurons per step. Currents per step: (sample 0: [1.2, 0.5], sample 1: [0, 2]) then
  // (sample 0: [0, 0.8], sample 1: [0.3, 0.1]). First layer spikes: step 0: [1, 0], [0, 1]; step 1: neuron (0,1):
  // 0.25 + 0.8 = 1.05 fires; the rest not -> 3 spikes of 8. The second layer (decay 0.5, Vth 0.5) sees those spikes:
  // step 0 fires where they are (2); step 1: sample 0 neuron 0 carries 0 (reset), gets 0; neuron 1: 0.5*0 + 1 fires -> 3.
  const net = new Sequential('net', [new LIF('a', { decay: 0.5, vth: 1 }), new LIF('b', { decay: 0.5, vth: 0.5 })]);
  const x = tf.tensor2d([1.2, 0.5, 0, 2, 0, 0.8, 0.3, 0.1], [4, 2]);
  const monitor = new FiringRateMonitor();
  const out = net.forward(x, { training: false, T: 2, observer: monitor });
  assert.deepEqual(Array.from(out.dataSync()), [1, 0, 0, 1, 0, 1, 0, 0]);
  const rates = monitor.read();
  assert.deepEqual(
    rates.map((r) => [r.name, r.spikes, r.neurons, r.samples, r.T]),
    [
      ['a', 3, 2, 2, 2],
      ['b', 3, 2, 2, 2],
    ],
  );
  assert.equal(monitor.rate('a'), 3 / 8);
  net.forward(tf.zeros([4, 2]), { training: false, T: 2, observer: monitor }); // 4 more samples-steps, no spikes
  assert.equal(monitor.rate('a'), 3 / 16);
  monitor.clear();
  assert.deepEqual(monitor.read(), []);
  assert.throws(() => monitor.rate('a'), /saw no spike layer 'a'/);
});

test('on a spiking ResNet-18 the monitor sees every LIF layer, agrees with the spikes, and changes no output', () => {
  const model = spikingResNet18({ width: 1 / 16, T: 2, classes: 10, seed: 3 });
  const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 11);
  const plain = model.forward(x).dataSync();
  const monitor = new FiringRateMonitor();
  const observed = model.forward(x, { observer: monitor }).dataSync();
  assert.deepEqual(observed, plain);
  const rates = monitor.read();
  const names = ['stem.lif', ...Array.from({ length: 8 }, (_, i) => [`RB${i + 1}.lif1`, `RB${i + 1}.lif2`]).flat()];
  assert.deepEqual(
    rates.map((r) => r.name),
    names,
  );
  // RB8's output is the split point's spikes: its rate is their mean.
  const rb8 = model.forwardTo(x, 'RB8');
  assert.equal(rates.at(-1)!.neurons, 4 * 4 * 32);
  assert.ok(Math.abs(rates.at(-1)!.rate - tf.mean(rb8).dataSync()[0]) < 1e-6);
  assert.ok(rates.every((r) => r.rate >= 0 && r.rate <= 1 && r.samples === 2 && r.T === 2));
  model.dispose();
});
