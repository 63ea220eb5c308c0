// NeuCODEX figures and tables on hand-made rows: Wilson bars on split accuracies, bootstrap bars on exit points,
// one panel per backbone, ticks at the bits sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accuracyEstimate,
  earlyExitFigure,
  encodeCorrectness,
  neucodexAccuracyBitsFigure,
  neucodexAccuracyRows,
  rowUncertainty,
  type NeucodexResults,
} from 'spikesplit';
import { firstCorrect } from './fixtures';

const label = { preset: 'tiny', backend: 'cpu' };
const exit = (threshold: number, accuracy: number, meanSteps: number) => ({
  threshold,
  accuracy,
  meanSteps,
  bits: 100 * meanSteps,
  deviceEnergyPJ: 1e6 * meanSteps,
  accuracyInterval: { lower: accuracy - 0.05, upper: accuracy + 0.04 },
  meanStepsInterval: { lower: meanSteps - 0.1, upper: meanSteps + 0.2 },
  bitsInterval: { lower: 100 * (meanSteps - 0.1), upper: 100 * (meanSteps + 0.2) },
  deviceEnergyPJInterval: { lower: 1e6 * (meanSteps - 0.1), upper: 1e6 * (meanSteps + 0.2) },
});
const edgeOnly = encodeCorrectness(firstCorrect(0.6));
const row = (model: string, sentSteps: number, bits: number, accuracy: number) => ({
  id: `${model}-static-T${sentSteps}`,
  group: `${model}-static`,
  model,
  input: 'static',
  T: 4,
  sentSteps,
  seed: 1,
  bits: { sent: bits },
  accuracy,
  edgeOnlyAccuracy: 0.6,
  drop: 0.6 - accuracy,
  energy: { reduction: 0.3 },
  earlyExit: {
    confidence: 'max-softmax',
    exitEvery: 4 / sentSteps,
    rows: [exit(0, accuracy - 0.1, 1), exit(1, accuracy, 4)],
  },
  ...rowUncertainty(edgeOnly, encodeCorrectness(firstCorrect(accuracy)), { baseline: 'b', row: 'r' }, 1),
});
const RESULTS = {
  preset: 'tiny',
  backbones: ['resnet18', 'vgg16'].map((m) => ({
    group: `${m}-static`,
    model: m,
    accuracy: 0.6,
    accuracyEstimate: accuracyEstimate(firstCorrect(0.6)),
  })),
  rows: [
    row('resnet18', 4, 4096, 0.55),
    row('resnet18', 1, 1024, 0.5),
    row('vgg16', 4, 512, 0.6),
    row('vgg16', 1, 128, 0.45),
  ],
  missing: [],
} as unknown as NeucodexResults;

test('neucodexAccuracyBitsFigure: a line per backbone and input over the bits, Wilson bars, ticks at the bits sent', () => {
  const fig = neucodexAccuracyBitsFigure(RESULTS, { title: 'acc', ...label });
  assert.deepEqual(fig.data[0].x, [1024, 4096]);
  assert.deepEqual(fig.data[0].y, [50, 55]);
  // 100 of 200 right: 43.14-56.86%.
  assert.deepEqual((fig.data[0].error_y as { array: number[] }).array[0], 6.86);
  assert.deepEqual(fig.layout.xaxis?.tickvals, [128, 512, 1024, 4096]);
  assert.deepEqual(fig.layout.xaxis?.ticktext, ['128', '512', '1,024', '4,096']);
});

test('earlyExitFigure: one panel per backbone sharing the y scale, bars on both coordinates', () => {
  const fig = earlyExitFigure(RESULTS, { title: 'exit', ...label, x: 'energy' });
  assert.deepEqual(
    fig.data.map((t) => [t.name, t.xaxis]),
    [
      ["resnet18 static T'=4", 'x'],
      ["resnet18 static T'=1", 'x'],
      ["vgg16 static T'=4", 'x2'],
      ["vgg16 static T'=1", 'x2'],
    ],
  );
  assert.deepEqual(fig.data[0].x, [1, 4]); // µJ
  assert.deepEqual(fig.data[0].error_x, {
    type: 'data',
    symmetric: false,
    array: [0.2, 0.2],
    arrayminus: [0.1, 0.1],
    color: '#1f77b4',
    thickness: 1,
  });
  assert.deepEqual((fig.data[0].error_y as { array: number[] }).array, [4, 4]);
  assert.equal((fig.layout.yaxis2 as { matches: string }).matches, 'y');
});

test('neucodexAccuracyRows: the paired drop with its interval, McNemar p and the verdict', () => {
  const rows = neucodexAccuracyRows(RESULTS);
  // 120 vs 90 of 200, nested: 30 discordant images all lost, McNemar p = 2 / 2^30.
  assert.equal(rows[3]['drop, points [95% CI]'].slice(0, 6), '15.0 [');
  assert.equal(rows[3]['McNemar p'], '< 0.0001');
  assert.equal(rows[3]['distinguishable from 0'], 'yes (p < 0.05)');
  assert.equal(rows[2]['distinguishable from 0'], 'no');
  assert.equal(rows[2]['edge-only % [95% CI]'], '60.0 [53.1, 66.5]');
});
