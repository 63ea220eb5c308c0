// The NeuCODEX experiment at a minimal configuration: finite results, models on disk in the testbed's format,
// a rerun skips every row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  accuracyEstimate,
  createModel,
  decodeCorrectness,
  frameEncoder,
  insertBottleneck,
  loadWeights,
  PRESETS,
  readNeucodex,
  runNeucodex,
  TemporallyCompressedModel,
  type NeucodexModelSpec,
  type Preset,
} from 'spikesplit';

import { useTempRunsDir } from './temp-runs';

const runs = useTempRunsDir('spikesplit-neucodex-');
const tiny = PRESETS.tiny;
const preset: Preset = {
  ...tiny,
  neucodex: {
    ...tiny.neucodex,
    backbones: [{ model: 'resnet18', splitPoint: 'RB4', channelDivisor: 4 }],
    data: { ...tiny.neucodex.data, trainPerClass: 2, testPerClass: 2 },
    pretrain: { ...tiny.neucodex.pretrain, batchSize: 10 },
    finetune: { ...tiny.neucodex.finetune, batchSize: 10 },
  },
};

test('neucodex at a minimal configuration: finite rows, testbed-format models, and a rerun skips every row', async () => {
  const tensors = tf.memory().numTensors;
  const results = await runNeucodex(preset, { log: () => {}, progress: () => {} });
  assert.deepEqual(
    results.rows.map((r) => r.id),
    ['resnet18-static-T2', 'resnet18-static-T1', 'resnet18-events-T2', 'resnet18-events-T1'],
  );
  assert.deepEqual(results.missing, []);
  assert.deepEqual(readNeucodex('tiny'), results, 'neucodex.json holds what was returned');
  assert.equal(results.backbones.length, 2);
  for (const r of results.rows) {
    const [h, w, c] = r.sentShape;
    assert.deepEqual(r.splitShape, [16, 16, 8]);
    assert.equal(c, 2);
    assert.equal(r.bits.sent, r.sentSteps * h * w * c, "T' h' w' c' bits");
    assert.equal(r.bits.uncompressedFeature, r.T * 16 * 16 * 8);
    assert.equal(r.bits.rawInput, r.input === 'static' ? 32 * 32 * 3 * 8 : r.T * 32 * 32 * 2);
    assert.equal(r.bits.eventStream === null, r.input === 'static');
    assert.ok(r.input === 'static' || r.bits.eventStream! > 0, 'the emulated recordings have events');
    assert.ok(r.accuracy >= 0 && r.accuracy <= 1 && Math.abs(r.drop - (r.edgeOnlyAccuracy - r.accuracy)) < 1e-12);
    // The drop is paired on the same test images: the stored bits give back both accuracies.
    const b = results.backbones.find((x) => x.group === r.group)!;
    assert.equal(accuracyEstimate(decodeCorrectness(r.correct, r.id)).accuracy, r.accuracy);
    assert.equal(b.accuracyEstimate.accuracy, r.edgeOnlyAccuracy);
    assert.ok(Math.abs(r.pairedDrop.drop - r.drop) < 1e-12 && r.pairedDrop.count === b.accuracyEstimate.count);
    for (const v of [r.energy.devicePJ, r.energy.edgeOnlyPJ, r.energy.reduction, ...Object.values(r.energy.partsPJ)])
      assert.ok(Number.isFinite(v), `${r.id}: finite energy`);
    assert.ok(r.energy.partsPJ['bottleneck encoder'] > 0);
    if (r.sentSteps === r.T)
      assert.equal(r.energy.partsPJ['temporal encoder'], 0, 'the plain split has no temporal encoder');
    // early exit: threshold 1 uses all T steps, threshold 0 the first group; bits follow the steps
    const exits = r.earlyExit.rows;
    assert.equal(r.earlyExit.exitEvery, r.T / r.sentSteps);
    assert.equal(exits[exits.length - 1].threshold, 1);
    assert.equal(exits[exits.length - 1].meanSteps, r.T);
    assert.equal(exits[exits.length - 1].bits, r.bits.sent);
    assert.equal(exits[exits.length - 1].accuracy, r.accuracy, 'no early exit: the accuracy of the full pass');
    assert.deepEqual(exits[exits.length - 1].meanStepsInterval, { lower: r.T, upper: r.T });
    assert.equal(exits[0].meanSteps, r.T / r.sentSteps);
    assert.ok(Math.abs(exits[exits.length - 1].deviceEnergyPJ - r.energy.devicePJ) < 1e-6 * r.energy.devicePJ);

    // The model on disk rebuilds as the testbed builds it and loads its weights.
    const spec = JSON.parse(fs.readFileSync(path.join(r.weightsDir, 'spec.json'), 'utf8')) as NeucodexModelSpec;
    assert.equal(spec.weightsDir, r.weightsDir);
    assert.equal(spec.sentSteps, r.sentSteps < r.T ? r.sentSteps : undefined);
    const events = spec.input === 'events' ? { encoder: frameEncoder(), inputShape: spec.inputShape } : {};
    const backbone = createModel(spec.model, {
      width: spec.width,
      T: spec.T,
      classes: spec.classes,
      seed: spec.seed,
      ...events,
    });
    const split = insertBottleneck(backbone, spec.splitPoint, { channels: spec.channels }, { seed: spec.seed });
    const model =
      spec.sentSteps === undefined ? split : new TemporallyCompressedModel(split, { sentSteps: spec.sentSteps });
    loadWeights(model, path.join(spec.weightsDir!, 'weights.json'));
    if (model !== split) model.dispose();
    split.dispose();
    backbone.dispose();
  }
  assert.ok(
    fs.existsSync(path.join(runs, 'tiny', 'neucodex', 'resnet18-static', 'backbone', 'weights.json')),
    'the edge-only weights are saved',
  );

  const again: string[] = [];
  const rerun = await runNeucodex(preset, { log: (l) => void again.push(l), progress: () => {} });
  assert.equal(again.filter((l) => l.endsWith('(finished, skipped)')).length, 4, again.join('\n'));
  assert.ok(!again.some((l) => /pretraining|^epoch /.test(l)), 'nothing is trained again');
  assert.deepEqual(rerun.rows, results.rows);
  assert.equal(tf.memory().numTensors, tensors, 'every model and tensor is disposed');
});
