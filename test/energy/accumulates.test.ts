// The accumulates the spike kernels count, on a briefly trained spiking ResNet-50 (width 1/16, T = 2, real
// CIFAR-10 images from the embedded sample), against two independent counts: each layer's own input spikes
// met through a dense convolution with a filter of ones, and SpikeBottleNet eq. 7 (rate x T x MACs) from the
// firing-rate monitor's measured rates, which counts the same operations wherever every input neuron meets
// the same weights (1x1 convs at stride 1), and elsewhere counts padding taps as well (stride 1) or assumes
// the pixels a stride samples fire at the mean rate (stride 2).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  AccumulateCounter,
  CIFAR10_NORMALIZATION,
  countOps,
  crossEntropy,
  FiringRateMonitor,
  imageBatch,
  initBackend,
  loadCifar10,
  spikingResNet50,
  syops,
  type ForwardObserver,
  type WeightLayer,
} from 'spikesplit';

before(async () => {
  await initBackend('wasm', () => undefined);
});

test('spike kernels count the accumulates they execute: equal to the spikes met, and to eq. 7 where it is exact', async () => {
  const data = await loadCifar10({ split: 'train', source: 'sample', progress: false });
  const T = 2;
  // Running-statistics momentum 0.5, so that a few steps leave them near the data's, as a long run's are.
  const model = spikingResNet50({ width: 1 / 16, T, classes: 10, seed: 3, momentum: 0.5 });
  const batch = (from: number, n: number) =>
    imageBatch(
      data,
      Array.from({ length: n }, (_, i) => from + i),
      { normalization: CIFAR10_NORMALIZATION },
    );
  const vars = model.trainableVariables();
  for (let step = 0; step < 8; step++) {
    const { images: x, labels } = batch(step * 16, 16);
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => crossEntropy(model.forward(x, { training: true }), labels), vars);
      for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.05)));
    });
    tf.dispose([x, labels]);
  }

  const counter = new AccumulateCounter();
  const monitor = new FiringRateMonitor();
  const met = new Map<string, number>(); // spikes met x output channels, from a dense conv with ones
  const observer: ForwardObserver = {
    activation: (name, out, spiking, run) => monitor.activation(name, out, spiking, run),
    accumulates: (layer, count, pass) => counter.accumulates(layer, count, pass),
    weightLayer: (layer: WeightLayer, x: tf.Tensor) => {
      if (layer.kind !== 'conv' || layer.role === 'stem') return;
      const [k] = layer.kernel!;
      const cout = (layer as unknown as { outChannels: number }).outChannels;
      const pad = (layer as unknown as { padding: number }).padding;
      const reached = tf.tidy(
        () =>
          tf
            .conv2d(x as tf.Tensor4D, tf.ones([k, k, x.shape[3]!, 1]) as tf.Tensor4D, layer.stride, pad)
            .sum()
            .dataSync()[0],
      );
      met.set(layer.name, (met.get(layer.name) ?? 0) + reached * cout);
    },
  };
  const images = 32;
  const { images: x, labels } = batch(200, images);
  labels.dispose();
  tf.tidy(() => {
    model.forward(x, { observer });
  });
  x.dispose();

  const rates = new Map(monitor.read().map((r) => [r.name, r.rate]));
  const overall = [...rates.values()].reduce((a, b) => a + b, 0) / rates.size;
  assert.ok(overall > 0.02, `the trained model fires (mean rate ${overall})`);
  const layers = countOps(model, { countedRoles: ['block', 'shortcut'] }).layers.filter(
    (l) => l.counted && l.kind === 'conv',
  );
  let exact = 0,
    kernelTotal = 0,
    eq7Total = 0;
  for (const l of layers) {
    const counted = counter.forward(l.name);
    assert.equal(counted, met.get(l.name), `${l.name}: kernel count against the spikes its input holds`);
    const eq7 = syops(rates.get(l.inputFrom!)!, T, l.macs) * images;
    kernelTotal += counted;
    eq7Total += eq7;
    if (l.kernel![0] === 1 && l.stride === 1) {
      assert.ok(Math.abs(counted - eq7) <= 1e-9 * eq7, `${l.name}: ${counted} accumulates against eq. 7's ${eq7}`);
      exact++;
    } else if (l.stride === 1) {
      // Every spike meets at most k*k*Cout weights; eq. 7 counts exactly that many, padding taps included.
      assert.ok(
        counted <= eq7 * (1 + 1e-9),
        `${l.name}: padding taps execute nothing, so at most eq. 7's ${eq7}; got ${counted}`,
      );
    } // at stride 2 eq. 7 assumes the sampled pixels fire at the mean rate, so it is neither exact nor a bound
  }
  assert.ok(exact >= 30, `most ResNet-50 convs are 1x1 at stride 1 (${exact} checked exactly)`);
  assert.ok(
    Math.abs(kernelTotal - eq7Total) < 0.2 * eq7Total,
    `the whole model's count ${kernelTotal} is near eq. 7's estimate ${eq7Total}`,
  );
  monitor.clear();
  model.dispose();
});
