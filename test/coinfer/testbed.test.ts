import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import {
  buildTestbedModel,
  createDevice,
  createServer,
  initBackend,
  nearestRankPercentile,
  readTestbedSpec,
  saveWeights,
  summarizeLatencies,
  type TestbedModelSpec,
} from 'spikesplit';

before(async () => {
  await initBackend('wasm', () => {});
});

test('latency percentiles by nearest rank, on values whose ranks are known', () => {
  const values = Array.from({ length: 100 }, (_, k) => 100 - k); // 1..100 shuffled by reversal
  const s = summarizeLatencies(values);
  assert.deepEqual(
    { p50: s.p50Ms, p95: s.p95Ms, p99: s.p99Ms, max: s.maxMs, count: s.count, mean: s.meanMs },
    { p50: 50, p95: 95, p99: 99, max: 100, count: 100, mean: 50.5 },
  );
  assert.equal(nearestRankPercentile([7], 99), 7);
  assert.equal(nearestRankPercentile([1, 2, 3], 50), 2);
  assert.throws(() => summarizeLatencies([]), /at least one latency/);
  assert.throws(() => nearestRankPercentile([1], 0), /percentile p is 0; expected \(0, 100\]/);
});

test('a testbed model built from a weights directory computes what the saved model computes, and says where its weights came from', () => {
  const spec: TestbedModelSpec = {
    model: 'resnet18',
    width: 1 / 16,
    T: 2,
    classes: 10,
    splitPoint: 'RB2',
    channels: 2,
    seed: 1,
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coinfer-weights-'));
  const saved = buildTestbedModel(spec);
  const fresh = buildTestbedModel({ ...spec, seed: 2 });
  const x = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 5);
  try {
    saveWeights(saved.model, path.join(dir, 'weights.json'));
    const loaded = buildTestbedModel({ ...spec, seed: 2, weightsDir: dir });
    try {
      assert.match(saved.source, /^fresh weights from seed 1/);
      assert.equal(loaded.source, `weights from ${path.join(dir, 'weights.json')}`);
      const [a, b, c] = [saved, loaded, fresh].map((m) =>
        Array.from(tf.tidy(() => m.model.backbone.namedVariables()[0].variable.dataSync())),
      );
      assert.deepEqual(b, a);
      assert.notDeepEqual(c, a);
      const logits = (m: typeof saved) => tf.tidy(() => Array.from(m.model.forward(x).dataSync()));
      assert.deepEqual(logits(loaded), logits(saved));
    } finally {
      loaded.dispose();
    }
    assert.throws(() => buildTestbedModel({ ...spec, weightsDir: path.join(dir, 'absent') }), /ENOENT/);
  } finally {
    saved.dispose();
    fresh.dispose();
    x.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a testbed model with sentSteps round-trips through spec.json and weights, and over loopback predicts what the joint compressed model predicts', async () => {
  const spec: TestbedModelSpec = {
    model: 'resnet18',
    width: 1 / 16,
    T: 4,
    classes: 10,
    splitPoint: 'RB2',
    channels: 2,
    seed: 4,
    sentSteps: 2,
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coinfer-compressed-'));
  const saved = buildTestbedModel(spec);
  const x = tf.randomUniform([2, 32, 32, 3], -2, 2, 'float32', 8);
  try {
    saved.compressed!.forward(x, { training: true }).dispose(); // running statistics that differ from a fresh model's
    saveWeights(saved.compressed!, path.join(dir, 'weights.json'));
    fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify({ ...spec, seed: 9, weightsDir: '.' }));
    const read = readTestbedSpec(path.join(dir, 'spec.json'));
    assert.equal(read.weightsDir, dir);
    const loaded = buildTestbedModel(read);
    const server = await createServer({ tail: loaded.tail, port: 0, token: 't' });
    const client = await createDevice({ url: server.url, token: 't', head: loaded.head });
    try {
      assert.equal(loaded.name, 'resnet18+bottleneck@RB2+temporal4to2');
      const joint = saved.compressed!.forward(x);
      const truth = joint.arraySync() as number[][];
      joint.dispose();
      const r = await client.infer(x);
      assert.deepEqual(r.logits, truth);
      assert.deepEqual(
        r.predictions,
        truth.map((row) => row.indexOf(Math.max(...row))),
      );
    } finally {
      await client.close();
      await server.close();
      loaded.dispose();
    }
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ ...spec, T: 0 }));
    assert.throws(() => readTestbedSpec(path.join(dir, 'bad.json')), /bad\.json: T is 0; expected an integer >= 1/);
  } finally {
    saved.dispose();
    x.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
