import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  createModel,
  describeLayers,
  dnnTwin,
  FiringRateMonitor,
  initBackend,
  joinResidual,
  LIF,
  lifParams,
  makeRun,
  sewResNet50,
  spikingResNet50,
} from 'spikesplit';

before(async () => {
  await initBackend('wasm', () => {});
});

const image = (b: number) => tf.randomUniform([b, 32, 32, 3], 0, 1, 'float32', 7);

test('IAND join: out = s AND NOT LIF(branch), by hand; standard: LIF(branch + s)', () => {
  const lif = new LIF('b.lif3', lifParams()); // Vth 0.5, one step: fires where the input >= 0.5
  const run = makeRun({}, 1);
  const branch = tf.tensor4d([0.9, 0.9, 0.1, 0.1], [1, 1, 1, 4]);
  const shortcut = tf.tensor4d([1, 0, 1, 0], [1, 1, 1, 4]);
  assert.deepEqual(Array.from(joinResidual('sew-iand', branch, shortcut, lif, 'b', run).dataSync()), [0, 0, 1, 0]);
  assert.deepEqual(Array.from(joinResidual('standard', branch, shortcut, lif, 'b', run).dataSync()), [1, 1, 1, 0]);
});

test('sew-resnet50: the shapes of resnet50, binary block outputs, each reported as <block>.out and read by the next block', () => {
  const sew = sewResNet50({ width: 1 / 16, T: 2 });
  const plain = spikingResNet50({ width: 1 / 16, T: 2 });
  try {
    assert.equal(sew.name, 'sew-resnet50');
    for (const p of plain.splitPoints) assert.deepEqual(sew.splitShape(p), plain.splitShape(p));
    const x = image(2);
    for (const p of ['RB1', 'RB4', 'RB16']) {
      const h = sew.forwardTo(x, p, { training: true });
      const values = new Set(h.dataSync());
      assert.ok(
        [...values].every((v) => v === 0 || v === 1),
        `${p} output is binary`,
      );
      h.dispose();
    }
    const monitor = new FiringRateMonitor();
    sew.forward(x, { observer: monitor }).dispose();
    const names = monitor.read().map((r) => r.name);
    for (const n of ['RB1.out', 'RB1.shortcut.lif', 'RB2.out', 'RB16.out'])
      assert.ok(names.includes(n), `${n} among ${names.join(', ')}`);
    const layers = describeLayers(sew);
    assert.equal(layers.find((l) => l.name === 'RB2.conv1')!.inputFrom, 'RB1.out');
    assert.equal(layers.find((l) => l.name === 'RB4.shortcut.conv')!.inputFrom, 'RB3.out');
    x.dispose();
  } finally {
    sew.dispose();
    plain.dispose();
  }
});

test('sew-resnet50: every weight gets a gradient, the stem included; the DNN twin is resnet50-dnn', () => {
  const model = createModel('sew-resnet50', { width: 1 / 16, T: 2, classes: 10 });
  try {
    const x = image(4);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 10);
    const weights = model.namedVariables().filter((v) => v.variable.trainable && v.name.endsWith('.weight'));
    const { grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(labels, model.forward(x, { training: true })) as tf.Scalar,
      weights.map((w) => w.variable),
    );
    for (const w of weights)
      assert.ok(tf.norm(grads[w.variable.name]).dataSync()[0] > 0, `${w.name} has a nonzero gradient`);
    tf.dispose([x, labels, ...Object.values(grads)]);
    assert.equal(dnnTwin('sew-resnet50'), 'resnet50-dnn');
  } finally {
    model.dispose();
  }
});
