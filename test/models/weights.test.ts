import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, loadWeights, saveWeights, spikingResNet18, spikingVGG16, WeightsManifest } from 'spikesplit';

before(async () => {
  await initBackend('wasm', () => {});
});

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-weights-'));

test('save then load restores every variable, running statistics included, and the outputs', () => {
  const dir = tmp();
  const a = spikingResNet18({ width: 1 / 8, T: 2, seed: 1 });
  const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 3);
  a.forward(x, { training: true }); // moves the running statistics off their initial values
  const file = path.join(dir, 'r18.json');
  const manifest = saveWeights(a, file);
  const onDisk = JSON.parse(fs.readFileSync(file, 'utf8')) as WeightsManifest;
  assert.deepEqual(onDisk, manifest);
  assert.equal(
    fs.statSync(path.join(dir, 'r18.bin')).size,
    a.namedVariables().reduce((s, v) => s + v.variable.size * 4, 0),
  );
  assert.ok(onDisk.tensors.some((t) => t.name === 'RB3.bn1.runningVar'));

  const b = spikingResNet18({ width: 1 / 8, T: 2, seed: 2 });
  assert.notDeepEqual(b.forward(x).dataSync(), a.forward(x).dataSync());
  loadWeights(b, file);
  const va = a.namedVariables();
  b.namedVariables().forEach((v, i) => assert.deepEqual(v.variable.dataSync(), va[i].variable.dataSync(), v.name));
  assert.deepEqual(b.forward(x).dataSync(), a.forward(x).dataSync());
  a.dispose();
  b.dispose();
});

test('loading names the layer on a shape or name mismatch and assigns nothing', () => {
  const dir = tmp();
  const file = path.join(dir, 'r18.json');
  const narrow = spikingResNet18({ width: 1 / 8 });
  saveWeights(narrow, file);
  const wide = spikingResNet18({ width: 1 / 4 });
  const before = wide.namedVariables()[0].variable.dataSync().slice();
  assert.throws(
    () => loadWeights(wide, file),
    /shape mismatch: 'stem\.conv\.weight' is \[3, 3, 3, 8\] in the file but \[3, 3, 3, 16\] in the model/,
  );
  assert.deepEqual(wide.namedVariables()[0].variable.dataSync(), before);
  const vgg = spikingVGG16({ width: 1 / 8 });
  assert.throws(
    () => loadWeights(vgg, file),
    /missing from the file: 'P1\.conv1\.weight' \[3, 3, 3, 8\].*in the file but not the model: 'stem\.conv\.weight' \[3, 3, 3, 8\]/,
  );
  fs.appendFileSync(path.join(dir, 'r18.bin'), Buffer.from([0, 0, 0, 0]));
  assert.throws(() => loadWeights(narrow, file), /does not match the manifest/);
  for (const m of [narrow, wide, vgg]) m.dispose();
});
