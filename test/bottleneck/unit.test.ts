import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { BottleneckUnit, createModel, initBackend, insertBottleneck, makeRun, Rng, type Shape3 } from 'spikesplit';

before(async () => {
  await initBackend('wasm', () => {});
});

const spikes = (shape: number[], seed: number) => {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0)),
    shape,
  );
};

test("spike bottleneck on 8x8x16: conv geometry from the reduction, binary [T*B, h', w', c'] sent, [T*B, 8, 8, 16] restored", () => {
  const from: Shape3 = [8, 8, 16];
  const cases: { channels: number; size?: [number, number]; kernel: number; stride: number; sent: Shape3 }[] = [
    { channels: 4, kernel: 3, stride: 1, sent: [8, 8, 4] },
    { channels: 4, size: [4, 4], kernel: 2, stride: 2, sent: [4, 4, 4] },
    { channels: 1, size: [2, 2], kernel: 4, stride: 4, sent: [2, 2, 1] },
    { channels: 16, size: [1, 1], kernel: 8, stride: 8, sent: [1, 1, 16] },
  ];
  const run = makeRun({}, 2);
  const h = spikes([2 * 3, ...from], 1); // T = 2, B = 3
  for (const c of cases) {
    const unit = new BottleneckUnit(
      { channels: c.channels, size: c.size },
      { spiking: true, splitShape: from, seed: 2 },
    );
    const what = `${c.channels} channels, size ${c.size ?? 'same'}`;
    assert.equal(unit.reduction.kernel, c.kernel, what);
    assert.equal(unit.reduction.stride, c.stride, what);
    const names = unit.namedVariables().map((v) => `${v.name} [${v.variable.shape.join(',')}]`);
    assert.ok(
      names.includes(`bottleneck.encoder.conv.weight [${c.kernel},${c.kernel},16,${c.channels}]`),
      names.join('; '),
    );
    assert.ok(
      names.includes(`bottleneck.decoder.deconv.weight [${c.kernel},${c.kernel},16,${c.channels}]`),
      names.join('; '),
    );
    const sent = unit.encode(h, run);
    assert.deepEqual(sent.shape, [6, ...c.sent], what);
    assert.ok(
      Array.from(sent.dataSync()).every((v) => v === 0 || v === 1),
      `${what}: sent values are spikes`,
    );
    const restored = unit.decode(sent, run);
    assert.deepEqual(restored.shape, [6, ...from], what);
    assert.ok(
      Array.from(restored.dataSync()).every((v) => v === 0 || v === 1),
      `${what}: the decoder's LIF restores spikes`,
    );
    assert.deepEqual(
      Array.from(unit.forward(h, run).dataSync()),
      Array.from(restored.dataSync()),
      `${what}: forward = decode(encode)`,
    );
    tf.dispose([sent, restored]);
    unit.dispose();
  }
  h.dispose();
});

test('bad reductions name the field and the accepted values', () => {
  const o = { spiking: true, splitShape: [8, 8, 16] as Shape3 };
  assert.throws(
    () => new BottleneckUnit({ channels: 4, size: [3, 3] }, o),
    /size 3x3 does not reduce the split point's 8x8 .*expected one of 8x8, 4x4, 2x2, 1x1/,
  );
  assert.throws(
    () => new BottleneckUnit({ channels: 4, size: [4, 2] }, o),
    /size 4x2 .*expected one of 8x8, 4x4, 2x2, 1x1/,
  );
  assert.throws(
    () => new BottleneckUnit({ channels: 17 }, o),
    /channels \(c'\) must be an integer in \[1, 16\] for a 8x8x16 split point, got 17/,
  );
  assert.throws(
    () => new BottleneckUnit({ channels: 4, bitWidth: 8 }, o),
    /bitWidth applies to a DNN backbone's features; a spiking bottleneck sends 1 bit per neuron per step/,
  );
  assert.throws(
    () => new BottleneckUnit({ channels: 4 }, { ...o, spiking: false, lif: { vth: 1 } }),
    /DNN bottleneck has no LIF neurons/,
  );
});

test('a bottleneck fits after every split point of ResNet-18, VGG-16 and the DNN ResNet-50 (tiny widths)', () => {
  const x = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 5);
  for (const name of ['resnet18', 'vgg16', 'resnet50-dnn']) {
    const backbone = createModel(name, { width: 1 / 16, T: name === 'resnet50-dnn' ? undefined : 1, classes: 10 });
    for (const point of backbone.splitPoints) {
      const [h, w, c] = backbone.splitShape(point);
      const size: [number, number] = h % 2 === 0 && w % 2 === 0 ? [h / 2, w / 2] : [h, w];
      const model = insertBottleneck(backbone, point, { channels: Math.max(1, c / 4), size });
      const logits = model.forward(x);
      assert.deepEqual(logits.shape, [1, 10], `${name} ${point}`);
      assert.ok(Array.from(logits.dataSync()).every(Number.isFinite), `${name} ${point}`);
      logits.dispose();
      model.dispose();
    }
    backbone.dispose();
  }
  x.dispose();
});

test("the joint model names the backbone's variables first, then bottleneck.*", () => {
  const backbone = createModel('resnet18', { width: 1 / 16, T: 2 });
  const model = insertBottleneck(backbone, 'RB3', { channels: 2 });
  const names = model.namedVariables().map((v) => v.name);
  const backboneNames = backbone.namedVariables().map((v) => v.name);
  assert.deepEqual(names.slice(0, backboneNames.length), backboneNames);
  assert.deepEqual(names.slice(backboneNames.length), [
    'bottleneck.encoder.conv.weight',
    'bottleneck.encoder.bn.gamma',
    'bottleneck.encoder.bn.beta',
    'bottleneck.encoder.bn.runningMean',
    'bottleneck.encoder.bn.runningVar',
    'bottleneck.decoder.deconv.weight',
    'bottleneck.decoder.bn.gamma',
    'bottleneck.decoder.bn.beta',
    'bottleneck.decoder.bn.runningMean',
    'bottleneck.decoder.bn.runningVar',
  ]);
  assert.equal(model.trainableVariables().length, backbone.trainableVariables().length + 6);
  assert.equal(model.name, 'resnet18+bottleneck@RB3');
  model.dispose();
  backbone.dispose();
});

test('BottleNet++ unit: conv -> BN -> sigmoid (or ReLU) -> 8-bit codes by default; deconv -> BN -> ReLU', () => {
  const o = { spiking: false, splitShape: [8, 8, 16] as Shape3 };
  const run = makeRun({}, 1);
  const h = tf.randomNormal([2, 8, 8, 16], 0, 1, 'float32', 3);
  for (const activation of ['sigmoid', 'relu'] as const) {
    const unit = new BottleneckUnit({ channels: 4, size: [4, 4], activation }, o);
    assert.deepEqual(
      unit.encoder.layers.map((m) => m.name),
      ['bottleneck.encoder.conv', 'bottleneck.encoder.bn', `bottleneck.encoder.${activation}`],
    );
    assert.deepEqual(
      unit.decoder.layers.map((m) => m.name),
      ['bottleneck.decoder.deconv', 'bottleneck.decoder.bn', 'bottleneck.decoder.relu'],
    );
    assert.equal(unit.quantizer!.bitWidth, 8);
    const codes = unit.encode(h, run);
    assert.equal(codes.dtype, 'int32');
    assert.ok(
      Array.from(codes.dataSync()).every((v) => v >= 0 && v <= 255),
      activation,
    );
    assert.deepEqual(unit.decode(codes, run).shape, [2, 8, 8, 16]);
    assert.throws(
      () => unit.decode(tf.zeros([2, 4, 4, 4]), run),
      /expected int32 \[T\*B, 4, 4, 4\] with T = 1, got float32/,
    );
    unit.dispose();
  }
  assert.throws(
    () => new BottleneckUnit({ channels: 4, activation: 'tanh' as 'relu' }, o),
    /activation must be 'sigmoid' or 'relu', got 'tanh'/,
  );
});
