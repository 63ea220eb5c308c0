import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  crossEntropy,
  dnnResNet50,
  earlyExitSweep,
  initBackend,
  insertBottleneck,
  makeRun,
  spikingResNet18,
  TemporalEncoder,
  temporalExpander,
  TemporallyCompressedModel,
  train,
  transmissionBits,
  type LabelledSource,
} from 'spikesplit';

before(async () => {
  await initBackend('wasm', () => {});
});

const inference = makeRun({}, 4);

test('temporal halves start as group means (encoder) and repeats (expander), masked as documented', () => {
  const options = { T: 4, sentSteps: 2, channels: 3 };
  const encoder = new TemporalEncoder(options);
  const expander = temporalExpander(options);
  assert.deepEqual(encoder.mix.weight.shape, [2, 4, 3]);
  assert.deepEqual(expander.weight.shape, [4, 2, 3]);
  const perStep = (w: tf.Variable) => (w.arraySync() as number[][][]).map((row) => row.map((cs) => cs[0]));
  assert.deepEqual(perStep(encoder.mix.weight), [
    [0.5, 0.5, 0, 0],
    [0, 0, 0.5, 0.5],
  ]);
  assert.deepEqual(perStep(expander.weight), [
    [1, 0],
    [1, 0],
    [0, 1],
    [0, 1],
  ]);
  assert.deepEqual(
    encoder
      .namedVariables()
      .map((v) => v.name)
      .slice(0, 2),
    ['temporal.encoder.mix.weight', 'temporal.encoder.bn.gamma'],
  );
  assert.throws(
    () => new TemporalEncoder({ ...options, sentSteps: 3 }),
    /sentSteps must be smaller than T = 4 and divide it \(1, 2\), got 3/,
  );
  assert.throws(
    () => temporalExpander({ ...options, sentSteps: 4 }),
    /sentSteps must be smaller than T = 4 and divide it \(1, 2\), got 4/,
  );
  encoder.dispose();
  expander.dispose();
});

// Inference-mode tdBN starts as y = 0.5 x / sqrt(1 + 1e-5) (gamma 1, alpha Vth = 0.5, running mean 0, var 1), and
// the LIF (decay 0.25, Vth 0.5, hard reset) spikes when 0.25 u + y >= 0.5. Masked-out weights are set to 100: if the
// mask failed, those steps would spike.
test('encoder: each sent step mixes its own group of steps (hand example, two samples, time-major)', () => {
  const encoder = new TemporalEncoder({ T: 4, sentSteps: 2, channels: 1 });
  encoder.mix.weight.assign(
    tf.tensor3d([
      [[2], [5], [100], [100]],
      [[100], [100], [1.5], [-2]],
    ]),
  );
  // sample 0 spikes at steps 0, 2, 3; sample 1 at step 2. Rows t*B + b.
  const x = tf.tensor4d([1, 0, 0, 0, 1, 1, 1, 0], [8, 1, 1, 1]);
  // currents: sample 0: k0 = 2, k1 = 1.5 - 2 = -0.5; sample 1: k0 = 0, k1 = 1.5
  const out = encoder.forward(x, inference);
  assert.deepEqual(out.shape, [4, 1, 1, 1]);
  assert.deepEqual([...out.dataSync()], [1, 0, 0, 1]);
  tf.dispose([x, out]);
  encoder.dispose();
});

test('expander: each restored step mixes the steps received up to its group (hand example)', () => {
  const expander = temporalExpander({ T: 4, sentSteps: 2, channels: 1 });
  expander.weight.assign(
    tf.tensor3d([
      [[2], [100]],
      [[0], [100]],
      [[-1], [3]],
      [[2], [-4]],
    ]),
  );
  // received: sample 0 [1, 1], sample 1 [1, 0]; rows k*B + b
  const z = tf.tensor4d([1, 1, 1, 0], [4, 1, 1, 1]);
  // sample 0: 2, 0, -1 + 3 = 2, 2 - 4 = -2; sample 1: 2, 0, -1, 2
  const out = expander.forward(z);
  assert.deepEqual(out.shape, [8, 1, 1, 1]);
  assert.deepEqual([...out.dataSync()], [2, 2, 0, 0, 2, -1, -2, 2]);
  tf.dispose([z, out]);
  expander.dispose();
});

function tinyCompressed(sentSteps: number, seed = 5, momentum?: number): TemporallyCompressedModel {
  const backbone = spikingResNet18({ width: 1 / 16, T: 4, classes: 10, seed, momentum });
  return new TemporallyCompressedModel(insertBottleneck(backbone, 'RB4', { channels: 4 }, { momentum }), {
    sentSteps,
    momentum,
  }); // 16x16x8 -> 16x16x4
}

/**
 * A model whose inference mode is not degenerate: with running-statistics momentum 1, one training-mode pass
 * sets every tdBN's running statistics to those of `x` (an untrained model's initial ones silence it).
 */
function warmCompressed(sentSteps: number, x: tf.Tensor): TemporallyCompressedModel {
  const model = tinyCompressed(sentSteps, 5, 1);
  tf.dispose(model.forward(x, { training: true }));
  return model;
}

function disposeAll(m: TemporallyCompressedModel): void {
  m.dispose();
  m.model.dispose();
  m.model.backbone.dispose();
}

test("compressed model: shapes, device then server equals the joint pass, bits counted with T'", () => {
  const x = tf.randomUniform([3, 32, 32, 3], 0, 1, 'float32', 2);
  const model = warmCompressed(2, x);
  const sent = model.deviceForward(x);
  assert.deepEqual(sent.shape, [2 * 3, 16, 16, 4]);
  assert.ok(
    sent.dataSync().every((v) => v === 0 || v === 1) && sent.dataSync().some((v) => v === 1),
    'spikes on the wire',
  );
  const steps = model.serverForwardSteps(sent);
  assert.deepEqual(steps.shape, [4, 3, 10]);
  const joint = model.forwardSteps(x);
  assert.deepEqual([...joint.dataSync()], [...steps.dataSync()]);
  assert.equal(
    model.bits,
    transmissionBits({ model: 'resnet18', width: 1 / 16, splitPoint: 'RB4', channels: 4, T: 2 }).bits,
  );
  assert.equal(model.name, 'resnet18+bottleneck@RB4+temporal4to2');
  assert.throws(() => model.forward(x, { T: 2 }), /compresses exactly T = 4 steps to 2; got a pass with T = 2/);
  assert.throws(
    () => tf.tidy(() => model.serverForwardSteps(tf.zeros([6, 16, 16, 8]))),
    /expected sent spikes \[2\*B, 16, 16, 4\], got shape \[6, 16, 16, 8\]/,
  );
  tf.dispose([x, sent, steps, joint]);
  disposeAll(model);
});

test('the server is causal per group: restored steps of group 1 do not depend on sent step 2', () => {
  const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 6);
  const model = warmCompressed(2, x);
  const sent = model.deviceForward(x); // [2*2, 16, 16, 4]: rows 0-1 sent step 1, rows 2-3 sent step 2
  const other = tf.concat([
    tf.slice(sent, [0, 0, 0, 0], [2, 16, 16, 4]),
    tf.cast(tf.randomUniform([2, 16, 16, 4], 0, 1, 'float32', 8).less(0.5), 'float32'),
  ]);
  const a = model.serverForwardSteps(sent);
  const b = model.serverForwardSteps(other);
  const gap = (from: number) =>
    tf.max(tf.abs(tf.sub(tf.slice(a, [from, 0, 0], [2, 2, 10]), tf.slice(b, [from, 0, 0], [2, 2, 10])))).dataSync()[0];
  assert.equal(gap(0), 0, 'steps 1-2 read sent step 1 only');
  assert.ok(gap(2) > 0, 'steps 3-4 read sent step 2');
  tf.dispose([x, sent, other, a, b]);
  disposeAll(model);
});

test("early-exit sweep of a compressed model: exits after whole groups, bits from T' steps", () => {
  const x = tf.randomUniform([8, 32, 32, 3], 0, 1, 'float32', 9);
  const model = warmCompressed(2, x);
  const steps = model.forwardSteps(x); // [4, 8, 10]
  const labels = Array.from({ length: 8 }, (_, b) => b % 10);
  const rows = earlyExitSweep(steps, labels, {
    thresholds: [0, 1],
    confidence: 'max-softmax',
    exitEvery: 2,
    bitsPerStep: model.bits / model.T,
    deviceEnergyPerStepPJ: 1,
    seed: 1,
  });
  assert.deepEqual(
    rows.map((r) => r.meanSteps),
    [2, 4],
  );
  assert.deepEqual(
    rows.map((r) => r.bits),
    [model.bits / 2, model.bits],
  );
  tf.dispose([x, steps]);
  disposeAll(model);
});

test('compressed model refuses a DNN bottleneck', () => {
  const backbone = dnnResNet50({ width: 1 / 16, classes: 10 });
  const model = insertBottleneck(backbone, 'RB8', { channels: 8 });
  assert.throws(
    () => new TemporallyCompressedModel(model, { sentSteps: 1 }),
    /needs spikes over time steps; resnet50-dnn\+bottleneck@RB8 is a DNN/,
  );
  model.dispose();
  backbone.dispose();
});

test("gradients reach both temporal halves and the backbone at T' = 2; masked weights get none", () => {
  const model = tinyCompressed(2);
  const x = tf.randomUniform([4, 32, 32, 3], 0, 1, 'float32', 3);
  const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
  const { value, grads } = tf.variableGrads(
    () => crossEntropy(model.forward(x, { training: true }), labels),
    model.trainableVariables(),
  );
  assert.ok(Number.isFinite(value.dataSync()[0]));
  const grad = (name: string) => {
    const v = model.namedVariables().find((n) => n.name === name)!.variable;
    return grads[v.name].arraySync() as number[][][];
  };
  const norm = (g: number[][][]) => g.flat(2).reduce((s, v) => s + v * v, 0);
  for (const name of [
    'temporal.encoder.mix.weight',
    'temporal.expander.weight',
    'bottleneck.encoder.conv.weight',
    'stem.conv.weight',
  ]) {
    const g = model.namedVariables().find((n) => n.name === name)!.variable;
    const values = grads[g.name].dataSync();
    assert.ok(values.every(Number.isFinite) && values.some((v) => v !== 0), `${name} has a finite, non-zero gradient`);
  }
  const enc = grad('temporal.encoder.mix.weight'); // [2, 4, c]: sent step 0 reads steps 0-1 only
  assert.equal(norm([enc[0].slice(2), enc[1].slice(0, 2)]), 0);
  const dec = grad('temporal.expander.weight'); // [4, 2, c]: restored steps 0-1 read sent step 0 only
  assert.equal(norm([[dec[0][1], dec[1][1]]]), 0);
  assert.ok(norm([[dec[2][0], dec[3][0]]]) > 0, 'later steps learn from earlier groups too');
  tf.dispose([x, labels, value, ...Object.values(grads)]);
  disposeAll(model);
});

test("compression to T' = 1 trains end to end on a fixed batch: finite, falling loss", async () => {
  const model = tinyCompressed(1, 7);
  const x = tf.randomUniform([4, 32, 32, 3], 0, 1, 'float32', 21);
  const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
  const data: LabelledSource = {
    description: 'four random images',
    count: 4,
    classes: 10,
    batch: (indices) =>
      tf.tidy(() => ({
        x: tf.gather(x, Array.from(indices)),
        labels: tf.gather(labels, Array.from(indices)) as tf.Tensor1D,
      })),
  };
  const before = [model.encoder.mix.weight.dataSync().slice(), model.expander.weight.dataSync().slice()];
  const { history } = await train.train(
    model,
    data,
    data,
    {
      epochs: 12,
      batchSize: 4,
      optimizer: { kind: 'adam', weightDecay: 0 },
      schedule: { kind: 'constant', lr: 0.02 },
      seed: 1,
      augment: false,
    },
    { log: () => {}, progress: () => {} },
  );
  const losses = history.map((r) => r.trainLoss);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(losses.every(Number.isFinite), `loss ${losses.join(' ')}`);
  assert.ok(
    mean(losses.slice(-3)) < 0.7 * mean(losses.slice(0, 3)),
    `loss ${losses.map((l) => l.toFixed(3)).join(' ')}`,
  );
  // below ln 4, the least loss of an answer that ignores the input (uniform over the 4 labels): the sent step carries information
  assert.ok(mean(losses.slice(-3)) < Math.log(4), `loss ${losses.map((l) => l.toFixed(3)).join(' ')}`);
  assert.ok(
    model.encoder.mix.weight.dataSync().some((v, i) => v !== before[0][i]),
    'the temporal encoder learns',
  );
  assert.ok(
    model.expander.weight.dataSync().some((v, i) => v !== before[1][i]),
    'the temporal expander learns',
  );
  tf.dispose([x, labels]);
  disposeAll(model);
});
