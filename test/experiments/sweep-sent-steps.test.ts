// The split sweep's optional T' axis (learned temporal compression): ids, bit accounting, and one trained row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { presetData, pretrainBackbone, PRESETS, runSweepRow, sweepBits, sweepConfigs, type Preset } from 'spikesplit';

import { useTempRunsDir } from './temp-runs';

useTempRunsDir('spikesplit-sweep-t-');
const tiny = PRESETS.tiny;
// A 1/16-width ResNet-18 at T = 4 (RB4 is 16x16x8 per step), one compression, T' in {4, 2, 1}.
const preset: Preset = {
  ...tiny,
  data: { ...tiny.data, trainPerClass: 2, testPerClass: 2 },
  model: { name: 'resnet18', width: 1 / 16, T: 4 },
  pretrain: { ...tiny.pretrain, batchSize: 10 },
  finetune: { ...tiny.finetune, batchSize: 10 },
  evalT: [4],
  sweep: {
    splitPoints: ['RB4'],
    compressions: [{ channelDivisor: 4, spatialDivisor: 1 }],
    T: [4],
    sentSteps: [4, 2, 1, 3],
  },
};

test("without the T' axis the sweep's ids are as before: every row sends all T steps", () => {
  for (const name of ['tiny', 'cpu', 'paper'] as const) {
    const configs = sweepConfigs(PRESETS[name]);
    assert.ok(
      configs.every((c) => c.sentSteps === undefined && /^RB\d+-\d+x\d+x\d+-T\d+$/.test(c.id)),
      name,
    );
  }
});

test("the T' axis adds a row per T' dividing T, with T' h' w' c' bits against the split point's T h w c spikes", () => {
  const configs = sweepConfigs(preset);
  assert.deepEqual(
    configs.map((c) => [c.id, c.sentSteps]),
    [
      ['RB4-16x16x2-T4', undefined],
      ['RB4-16x16x2-T4to2', 2],
      ['RB4-16x16x2-T4to1', 1],
    ],
    "T' = 3 does not divide 4: no row",
  );
  for (const [sent, bits] of [
    [4, 4 * 16 * 16 * 2],
    [2, 2 * 16 * 16 * 2],
    [1, 16 * 16 * 2],
  ]) {
    const b = sweepBits(preset, 'RB4', preset.sweep.compressions[0], 4, sent);
    assert.equal(b.bits, bits);
    assert.equal(b.uncompressedBits, 4 * 16 * 16 * 8);
    assert.equal(b.ratio, (4 * 16 * 16 * 8) / bits);
  }
});

test("a T' = 1 row fine-tunes the temporally compressed model and records its bits", async () => {
  const data = await presetData(preset);
  await pretrainBackbone(preset, { data, log: () => {}, progress: () => {} });
  const config = sweepConfigs(preset).find((c) => c.sentSteps === 1)!;
  const row = await runSweepRow(preset, config, data, { log: () => {}, progress: () => {} });
  assert.equal(row.id, 'RB4-16x16x2-T4to1');
  assert.equal(row.sentSteps, 1);
  assert.equal(row.bits, 16 * 16 * 2);
  assert.equal(row.compressionRatio, 16);
  assert.ok(Number.isFinite(row.history[0].trainLoss) && row.accuracy >= 0 && row.accuracy <= 1);
  assert.ok('temporal.encoder.lif' in row.firingRates, 'the temporal encoder ran');
});
