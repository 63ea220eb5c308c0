import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  createModel,
  describeLayers,
  describeModel,
  dnnResNet18,
  dnnTwin,
  dnnResNet50,
  initBackend,
  poissonEncoder,
  Rng,
  SplittableModel,
  spikingResNet18,
  spikingResNet50,
  spikingVGG16,
} from 'spikesplit';

before(async () => {
  await initBackend('wasm', () => {});
});

const image = (b: number) => tf.randomUniform([b, 32, 32, 3], 0, 1, 'float32', 42);

test("spiking ResNet-50 split points have the paper's shapes (RB16: 4x4x2048 per step)", () => {
  const model = spikingResNet50({ width: 1, T: 4 });
  const want: Record<string, number[]> = {};
  for (let i = 1; i <= 16; i++)
    want[`RB${i}`] = i <= 3 ? [32, 32, 256] : i <= 7 ? [16, 16, 512] : i <= 13 ? [8, 8, 1024] : [4, 4, 2048];
  assert.deepEqual(model.splitPoints, Object.keys(want));
  for (const p of model.splitPoints) assert.deepEqual(model.splitShape(p), want[p], p);
  const [h, w, c] = model.splitShape('RB16');
  assert.equal(h * w * c * model.T, 131072, 'bits of RB16 at T = 4');
  model.dispose();
});

test('stem stride 2 halves every split shape and the stem output; the forward pass gives those shapes', () => {
  const model = createModel('sew-resnet50', { width: 1 / 16, T: 2, stemStride: 2 });
  const plain = createModel('sew-resnet50', { width: 1 / 16, T: 2 });
  for (const p of model.splitPoints) {
    const [h, w, c] = plain.splitShape(p);
    assert.deepEqual(model.splitShape(p), [h / 2, w / 2, c], p);
  }
  const x = image(1);
  const h = model.forwardTo(x, 'RB3');
  assert.deepEqual(h.shape, [2, 16, 16, 16]);
  assert.deepEqual(model.forward(x).shape, [1, 10]);
  tf.dispose([x, h]);
  model.dispose();
  plain.dispose();
});

test('ResNet-18 and VGG-16 split points and shapes', () => {
  const r18 = spikingResNet18();
  assert.deepEqual(r18.splitPoints, ['RB1', 'RB2', 'RB3', 'RB4', 'RB5', 'RB6', 'RB7', 'RB8']);
  assert.deepEqual(
    r18.splitPoints.map((p) => r18.splitShape(p)),
    [
      [32, 32, 64],
      [32, 32, 64],
      [16, 16, 128],
      [16, 16, 128],
      [8, 8, 256],
      [8, 8, 256],
      [4, 4, 512],
      [4, 4, 512],
    ],
  );
  const vgg = spikingVGG16();
  assert.deepEqual(
    vgg.splitPoints.map((p) => [p, vgg.splitShape(p)]),
    [
      ['P1', [16, 16, 64]],
      ['P2', [8, 8, 128]],
      ['P3', [4, 4, 256]],
      ['P4', [2, 2, 512]],
      ['P5', [1, 1, 512]],
    ],
  );
  r18.dispose();
  vgg.dispose();
});

test('parameter counts equal the PyTorch CIFAR models (width 1, 10 classes)', () => {
  // Published totals of the CIFAR ResNet-18 / ResNet-50 (torchvision blocks, 3x3 stem, BN affine) and of
  // VGG-16-BN with one 512->10 linear layer (14,728,266 with conv biases; ours has none: 13 layers, 4,224 biases).
  const count = (m: SplittableModel) => m.trainableVariables().reduce((s, v) => s + v.size, 0);
  for (const [make, want] of [
    [() => spikingResNet18(), 11_173_962],
    [() => spikingResNet50(), 23_520_842],
    [() => dnnResNet50(), 23_520_842],
    [() => spikingVGG16(), 14_728_266 - 4_224],
  ] as const) {
    const m = make();
    assert.equal(count(m), want, m.name);
    m.dispose();
  }
});

const small: Array<() => SplittableModel> = [
  () => spikingResNet50({ width: 1 / 16, T: 2, seed: 1 }),
  () => spikingResNet18({ width: 1 / 8, T: 2, seed: 2 }),
  () => spikingVGG16({ width: 1 / 8, T: 2, seed: 3 }),
  () => dnnResNet50({ width: 1 / 16, seed: 4 }),
  () => dnnResNet18({ width: 1 / 8, seed: 5 }),
];

for (const make of small) {
  const probe = make();
  const name = probe.name;
  probe.dispose();
  test(`${name}: forwardTo then forwardFrom equals forward at every split point; shapes as declared`, () => {
    const model = make();
    const x = image(2);
    const full = model.forward(x);
    assert.deepEqual(full.shape, [2, model.classes]);
    const steps = model.forwardSteps(x);
    assert.deepEqual(steps.shape, [model.T, 2, model.classes]);
    assert.deepEqual(tf.mean(steps, 0).dataSync(), full.dataSync());
    for (const p of model.splitPoints) {
      const before = tf.memory().numTensors;
      const h = model.forwardTo(x, p);
      assert.deepEqual(h.shape, [model.T * 2, ...model.splitShape(p)], p);
      const y = model.forwardFrom(h, p);
      assert.deepEqual(y.dataSync(), full.dataSync(), `split at ${p}`);
      tf.dispose([h, y]);
      assert.equal(tf.memory().numTensors, before, `no tensor leaks at ${p}`);
    }
    if (model.spiking) {
      const h = model.forwardTo(x, model.splitPoints[0]).dataSync();
      assert.ok(
        h.every((v) => v === 0 || v === 1),
        'a split point transmits spikes',
      );
    }
    model.dispose();
  });
}

test("ResNet-50 MACs per split point reproduce the paper's Table 3 (BottleNet++ row, 4.6 pJ/MAC)", () => {
  const table3 = [0.27, 0.6, 0.93, 1.33, 1.66, 1.99, 2.32, 2.72, 3.05, 3.38, 3.7, 4.03, 4.36, 4.77, 5.09, 5.42];
  const d = describeModel('resnet50', { width: 1, T: 4, classes: 100 });
  // RB1's own convs at 32x32: 1x1 64->64, 3x3 64->64, 1x1 64->256 = 4,194,304 + 37,748,736 + 16,777,216.
  assert.equal(d.splitPoints[0].branchMacs, 58_720_256);
  // The stem (3x3, 3->64: 1,769,472) and RB1's shortcut (1x1 64->256: 16,777,216) count in RB1's group.
  assert.equal(d.splitPoints[0].macs, 58_720_256 + 1_769_472 + 16_777_216);
  assert.deepEqual(
    d.splitPoints.map((p) => Number(((p.cumulativeBranchMacs * 4.6) / 1e9).toFixed(2))),
    table3,
  );
  assert.deepEqual(d.splitPoints[15].shape, [4, 4, 2048]);
  assert.equal(d.splitPoints[15].rawBits, 131072);
  assert.equal(d.classifierMacs, 2048 * 100);
  assert.equal(d.totalMacs, d.splitPoints[15].cumulativeMacs + d.classifierMacs);
  const dnn = describeModel('resnet50-dnn', { width: 1, classes: 100 });
  assert.deepEqual(
    dnn.splitPoints.map((p) => p.macs),
    d.splitPoints.map((p) => p.macs),
    'same structure, same MACs',
  );
  assert.equal(dnn.splitPoints[15].rawBits, 4 * 4 * 2048 * 32, 'float32 features');
});

test('describeLayers names the activation feeding every layer, its split point and role', () => {
  const model = spikingResNet50({ width: 1 / 16, T: 2 });
  const layers = describeLayers(model);
  const by = new Map(layers.map((l) => [l.name, l]));
  const pick = (n: string) => {
    const l = by.get(n);
    assert.ok(l, `layer ${n} described`);
    return [l.inputFrom, l.splitPoint, l.role, l.kind];
  };
  assert.deepEqual(pick('stem.conv'), [null, 'RB1', 'stem', 'conv']);
  assert.deepEqual(pick('RB1.conv1'), ['stem.lif', 'RB1', 'block', 'conv']);
  assert.deepEqual(pick('RB1.conv3'), ['RB1.lif2', 'RB1', 'block', 'conv']);
  assert.deepEqual(pick('RB1.shortcut.conv'), ['stem.lif', 'RB1', 'shortcut', 'conv']);
  assert.deepEqual(pick('RB4.conv1'), ['RB3.lif3', 'RB4', 'block', 'conv']);
  assert.deepEqual(pick('RB4.shortcut.conv'), ['RB3.lif3', 'RB4', 'shortcut', 'conv']);
  assert.deepEqual(pick('fc'), ['RB16.lif3', null, 'classifier', 'linear']);
  assert.equal(layers.length, 1 + 16 * 3 + 4 + 1);
  assert.ok(layers.every((l) => l.role === 'stem' || l.inputFrom !== null));
  assert.deepEqual(by.get('RB4.conv2')!.stride, 2);
  assert.deepEqual(
    [by.get('RB4.conv2')!.inShape, by.get('RB4.conv2')!.outShape],
    [
      [32, 32, 8],
      [16, 16, 8],
    ],
  );
  model.dispose();

  const vgg = spikingVGG16({ width: 1 / 8, encoder: poissonEncoder(new Rng(1)) });
  const v = new Map(describeLayers(vgg).map((l) => [l.name, l]));
  assert.deepEqual([v.get('P1.conv1')!.inputFrom, v.get('P1.conv1')!.role], ['input', 'stem']);
  assert.equal(v.get('P2.conv1')!.inputFrom, 'P1.pool');
  assert.equal(v.get('fc')!.inputFrom, 'P5.pool');
  vgg.dispose();

  const dnn = dnnResNet50({ width: 1 / 16 });
  assert.equal(describeLayers(dnn).find((l) => l.name === 'RB1.conv1')!.inputFrom, 'stem.relu');
  dnn.dispose();
});

test('clear errors: unknown split point or model, wrong shapes, T for the DNN', () => {
  const model = spikingResNet18({ width: 1 / 8, T: 2 });
  assert.throws(() => model.forwardTo(image(1), 'RB9'), /unknown split point 'RB9'; expected one of RB1, RB2/);
  assert.throws(
    () => model.forwardFrom(tf.zeros([2, 16, 16, 16]), 'RB1'),
    /forwardFrom\('RB1'\): expected \[T\*B, 32, 32, 8\]/,
  );
  assert.throws(() => model.forward(tf.zeros([1, 28, 28, 3])), /expected direct input \[B, 32, 32, 3\]/);
  assert.throws(() => model.forward(image(1), { T: 0 }), /T must be a positive integer/);
  assert.throws(
    () => createModel('resnet101'),
    /unknown model 'resnet101'; expected one of resnet18, resnet50, sew-resnet50, vgg16, resnet50-dnn, resnet18-dnn/,
  );
  assert.throws(() => dnnResNet50({ T: 4 }), /resnet50-dnn has no time steps: T must be 1/);
  model.dispose();
});

test('each spiking ResNet has a DNN twin with the same split points and shapes (for BottleNet++)', () => {
  for (const name of ['resnet18', 'resnet50']) {
    const spiking = describeModel(name, { width: 1 / 8 });
    const dnn = describeModel(dnnTwin(name), { width: 1 / 8, T: 1 });
    assert.deepEqual(
      dnn.splitPoints.map((p) => [p.name, p.shape]),
      spiking.splitPoints.map((p) => [p.name, p.shape]),
    );
  }
  assert.throws(() => dnnTwin('vgg16'), /no DNN twin of 'vgg16'/);
});
