// The `paper` preset checked, not only declared: its models at full width (spiking ResNet-50, 100 classes,
// 32x32x3, T = 4) take one training step and one sweep-row step (RB16 with the sweep's largest compression,
// fine-tuned end to end) on the spike engine, fed by the CIFAR-100 reader from files in the official binary
// format that this test writes.
//
// Batch: PAPER_STEP_BATCH images, not the preset's 64. On the wasm backend one pass of the trainer at T = 4
// holds every activation of T*B rows in tfjs's wasm heap (at most 4 GiB): batch 8 peaked at 3.1 GB RSS,
// batch 16 aborted the wasm module (measured at revision 2b5dd3b), so batch 64 (about 17 GB by the same slope)
// cannot run here in one pass. The pretraining step prints tfjs's peak bytes and what they come to at batch 64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  AccumulateCounter,
  checkSplits,
  CIFAR100_FINE_CLASSES,
  CIFAR100_NORMALIZATION,
  createModel,
  createOptimizer,
  getPreset,
  imageSource,
  initBackend,
  insertBottleneck,
  learningRate,
  loadCifar100,
  modelSplitShapes,
  neucodexConfigs,
  reduction,
  Rng,
  sweepBits,
  sweepConfigs,
  trainStep,
  type ForwardObserver,
  type ImageDataset,
  type SplitBackbone,
  type TrainableModel,
  type TrainConfig,
} from 'spikesplit';

const PAPER_STEP_BATCH = 4;
/** Records per split file: one of each fine class (what the preset's data check asks of a split). */
const RECORDS = 100;
const preset = getPreset('paper');
const T = preset.model.T;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-paper-'));
const seconds: Record<string, number> = {};
const peakBytes: Record<string, { held: number; peak: number }> = {};

/** CIFAR-100 records as published: coarse label byte, fine label byte, 1024 red, 1024 green, 1024 blue (row-major). */
function writeCifar100(file: string, count: number, seed: number): { fine: number[]; pixels: Uint8Array } {
  const rng = new Rng(seed);
  const bytes = new Uint8Array(count * 3074);
  const fine: number[] = [];
  for (let n = 0; n < count; n++) {
    const label = (n * 37 + seed) % 100;
    fine.push(label);
    bytes[n * 3074] = label % 20;
    bytes[n * 3074 + 1] = label;
    for (let i = 2; i < 3074; i++) bytes[n * 3074 + i] = Math.floor(rng.next() * 256);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return { fine, pixels: bytes };
}

/** Pixel (y, x, c) of record n of a file written above. */
const recordPixel = (bytes: Uint8Array, n: number, y: number, x: number, c: number) =>
  bytes[n * 3074 + 2 + c * 1024 + y * 32 + x];

const released = path.join(tmp, 'downloads', 'cifar-100-binary');
const written = {
  train: writeCifar100(path.join(released, 'train.bin'), RECORDS, 1),
  test: writeCifar100(path.join(released, 'test.bin'), RECORDS, 2),
};

/** Every trainable variable's values, by name. */
function snapshot(model: TrainableModel): Map<string, Float32Array> {
  return new Map(
    model
      .namedVariables()
      .filter((v) => v.variable.trainable)
      .map((v) => [v.name, (v.variable.dataSync() as Float32Array).slice()]),
  );
}

/** What one step must show: the loss, finite nonzero gradients for every trainable variable, every one of them changed. */
async function checkStep(
  model: TrainableModel,
  train: ImageDataset,
  config: TrainConfig,
  observer: ForwardObserver,
  label: string,
): Promise<number> {
  const params = model.namedVariables();
  const trainable = params.filter((p) => p.variable.trainable);
  const optimizer = createOptimizer(config.optimizer, params);
  const before = snapshot(model);
  const source = imageSource(train, CIFAR100_NORMALIZATION);
  const indices = Array.from({ length: PAPER_STEP_BATCH }, (_, i) => i); // the reader's first images
  const gradNames: string[] = [];
  const t0 = Date.now();
  const stepOnce = (): number =>
    tf.tidy(() => {
      const { x, labels } = source.batch(indices, config.augment ? new Rng(config.seed) : undefined);
      assert.deepEqual(x.shape, [PAPER_STEP_BATCH, 32, 32, 3]);
      return trainStep(
        model,
        x,
        labels,
        trainable.map((p) => p.variable),
        optimizer,
        learningRate(config.schedule, 0),
        {
          observer,
          inspect(logits, grads) {
            assert.deepEqual(logits.shape, [PAPER_STEP_BATCH, 100], `${label}: logits [B, classes]`);
            for (const p of trainable) {
              const g = grads[p.variable.name];
              assert.ok(g !== undefined, `${label}: no gradient for ${p.name}`);
              assert.deepEqual(g.shape, p.variable.shape, `${label}: gradient shape of ${p.name}`);
              const values = g.dataSync();
              let nonzero = 0;
              for (const v of values) {
                if (!Number.isFinite(v)) assert.fail(`${label}: gradient of ${p.name} has ${v}`);
                if (v !== 0) nonzero++;
              }
              assert.ok(nonzero > 0, `${label}: gradient of ${p.name} is all zero`);
              gradNames.push(p.name);
            }
          },
        },
      ).loss;
    });
  const heldBytes = tf.memory().numBytes; // weights and optimizer state
  let loss = NaN;
  const profile = await tf.profile(() => {
    loss = stepOnce();
  });
  peakBytes[label] = { held: heldBytes, peak: profile.peakBytes };
  seconds[label] = (Date.now() - t0) / 1000;
  optimizer.dispose();
  assert.equal(gradNames.length, trainable.length);
  assert.ok(Number.isFinite(loss), `${label}: loss ${loss}`);
  const unchanged = trainable
    .filter((p) => {
      const was = before.get(p.name)!;
      return (p.variable.dataSync() as Float32Array).every((v, i) => v === was[i]);
    })
    .map((p) => p.name);
  assert.deepEqual(unchanged, [], `${label}: variables the step left unchanged`);
  return loss;
}

let train: ImageDataset;
let backbone: SplitBackbone;

test('the paper preset declares ResNet-50 at full width on CIFAR-100 at T = 4, batch 64, every sweep row buildable', () => {
  assert.equal(preset.data.dataset, 'cifar100');
  assert.deepEqual(preset.model, { name: 'resnet50', width: 1, T: 4 });
  assert.equal(preset.pretrain.batchSize, 64);
  assert.equal(preset.finetune.batchSize, 64);
  const shapes = modelSplitShapes(preset.model.name, preset.model.width).shapes;
  assert.deepEqual(shapes.RB16, [4, 4, 2048]);
  assert.deepEqual(shapes.RB1, [32, 32, 256]);
  const configs = sweepConfigs(preset);
  assert.equal(configs.length, 16 * preset.sweep.compressions.length * preset.sweep.T.length);
  for (const c of configs) {
    const r = reduction(c.splitShape, c.sentShape[2], [c.sentShape[0], c.sentShape[1]]);
    assert.deepEqual(r.to, c.sentShape, c.id);
  }
  for (const t of preset.sweep.T)
    assert.ok(preset.evalT.includes(t), `the backbone is evaluated at every sweep T (${t})`);
  assert.ok(neucodexConfigs(preset).length > 0);
  for (const c of [preset.pretrain, preset.finetune]) {
    assert.ok(learningRate(c.schedule, 0) > 0 && Number.isFinite(learningRate(c.schedule, c.epochs - 0.01)));
  }
});

test('the CIFAR-100 reader reads the official binary files the test wrote: 100 fine classes, NHWC 32x32x3', async () => {
  await initBackend('wasm', () => {});
  const read = (split: 'train' | 'test') => loadCifar100({ split, dataDir: tmp, download: false, progress: false });
  train = await read('train');
  const testSet = await read('test');
  checkSplits(train, testSet);
  for (const [set, w] of [
    [train, written.train],
    [testSet, written.test],
  ] as const) {
    assert.deepEqual([set.count, set.height, set.width, set.channels], [RECORDS, 32, 32, 3]);
    assert.deepEqual(set.classes, [...CIFAR100_FINE_CLASSES]);
    assert.deepEqual(Array.from(set.labels), w.fine);
    for (const [n, y, x, c] of [
      [0, 0, 0, 0],
      [1, 5, 31, 1],
      [RECORDS - 1, 31, 7, 2],
    ]) {
      assert.equal(
        set.images[((n * 32 + y) * 32 + x) * 3 + c],
        recordPixel(w.pixels, n, y, x, c),
        `(${n},${y},${x},${c})`,
      );
    }
  }
});

test(`one pretraining step of the paper's backbone at full width (batch ${PAPER_STEP_BATCH}, T = 4) on the engine`, async () => {
  const t0 = Date.now();
  backbone = createModel(preset.model.name, {
    width: preset.model.width,
    T,
    classes: train.classes.length,
    seed: preset.pretrain.seed,
  });
  seconds.build = (Date.now() - t0) / 1000;
  const count = backbone.namedVariables().reduce((s, v) => s + (v.variable.trainable ? v.variable.size : 0), 0);
  assert.ok(
    count > 23e6 && count < 24e6,
    `ResNet-50 for CIFAR-100 has about 23.7 M trainable parameters, got ${count}`,
  );
  const counter = new AccumulateCounter();
  const loss = await checkStep(backbone, train, preset.pretrain, counter, 'pretraining step');
  assert.ok(Math.abs(loss - Math.log(100)) < 0.5, `loss at initialisation ${loss}, expected near ln 100 = 4.61`);
  const layers = counter.read();
  assert.ok(layers.length > 40, `spike kernels ran for ${layers.length} layers`);
  assert.ok(
    layers.every((l) => l.forward > 0 && l.filterGrad > 0),
    'every spike layer accumulated forward and in its filter gradient',
  );
});

test("one sweep-row step: RB16 with the sweep's largest compression (2x2x32, 256x), fine-tuned end to end", async () => {
  const configs = sweepConfigs(preset).filter((c) => c.split === 'RB16' && c.T === T);
  const bits = (c: (typeof configs)[number]) => sweepBits(preset, c.split, c.compression, c.T, c.sentSteps);
  const config = configs.reduce((a, b) => (bits(b).ratio > bits(a).ratio ? b : a));
  assert.equal(config.id, 'RB16-2x2x32-T4');
  assert.equal(bits(config).bits, 2 * 2 * 32 * T);
  assert.equal(bits(config).ratio, 256);
  const [h, w, c] = config.sentShape;
  const model = insertBottleneck(backbone, config.split, { channels: c, size: [h, w] }, { seed: preset.finetune.seed });
  const counter = new AccumulateCounter();
  const sent: { shape: number[]; values: Float32Array }[] = [];
  const observer: ForwardObserver = {
    activation(name, out, spiking) {
      if (name.startsWith('bottleneck.encoder.') && spiking)
        sent.push({ shape: out.shape, values: out.dataSync() as Float32Array });
    },
    accumulates: (layer, count, pass) => counter.accumulates(layer, count, pass),
  };
  try {
    const loss = await checkStep(model, train, preset.finetune, observer, 'sweep-row step');
    assert.ok(loss > 0 && loss < 10, `fine-tuning loss ${loss}`);
    assert.equal(sent.length, 1, 'one spike layer ends the encoder');
    assert.deepEqual(sent[0].shape, [T * PAPER_STEP_BATCH, h, w, c], 'the sent tensor [T*B, h′, w′, c′]');
    assert.ok(
      sent[0].values.every((v) => v === 0 || v === 1),
      'the sent tensor is binary spikes',
    );
    assert.equal(sent[0].values.length / PAPER_STEP_BATCH, bits(config).bits, 'one bit per sent value per image');
    assert.ok(counter.forward('bottleneck.decoder.deconv') > 0, "the decoder's spike kernel read the sent spikes");
    assert.ok(counter.forward('bottleneck.encoder.conv') > 0, "the encoder's spike kernel ran");
  } finally {
    model.dispose();
    backbone.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
    const rssMB = Math.round(process.resourceUsage().maxRSS / 1024);
    const MB = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
    const memory = Object.entries(peakBytes).map(([k, { held, peak }]) => {
      const at64 = held + ((peak - held) * preset.pretrain.batchSize) / PAPER_STEP_BATCH;
      return `${k}: tfjs peak ${MB(peak)} (${MB(held)} weights and optimizer state), at batch ${preset.pretrain.batchSize} ${MB(at64)}`;
    });
    console.error(
      `paper preset step (batch ${PAPER_STEP_BATCH}): ${Object.entries(seconds)
        .map(([k, s]) => `${k} ${s.toFixed(1)} s`)
        .join(', ')}; ${memory.join('; ')}; peak RSS ${rssMB} MB`,
    );
  }
});
