import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyEstimate, learningCurveFigure, table2Rows } from 'spikesplit';
import { BACKBONE, firstCorrect } from './fixtures';

test('learningCurveFigure: train and test per epoch, accuracy in percent, the test accuracy with its Wilson interval', () => {
  const acc = learningCurveFigure(BACKBONE.history, {
    title: 'Accuracy',
    preset: 'tiny',
    backend: 'cpu',
    metric: 'accuracy',
  });
  assert.deepEqual(
    acc.data.map((t) => [t.name, t.x, t.y]),
    [
      ['train', [1, 2], [20, 40]],
      ['test (bars: 95% Wilson interval)', [1, 2], [25, 45]],
    ],
  );
  // 50 of 200 right: 19.51-31.43%; 90 of 200: 38.26-51.92%.
  assert.deepEqual(acc.data[1].error_y, {
    type: 'data',
    symmetric: false,
    array: [6.43, 6.92],
    arrayminus: [5.49, 6.74],
    color: '#ff7f0e',
  });
  assert.equal(acc.data[0].error_y, undefined);
  const old = BACKBONE.history.map(({ testCount: _, ...r }) => r) as unknown as typeof BACKBONE.history;
  assert.throws(
    () => learningCurveFigure(old, { title: 'x', preset: 'tiny', backend: 'cpu', metric: 'accuracy' }),
    /epoch 1 has no testCount/,
  );
  const loss = learningCurveFigure(BACKBONE.history, { title: 'Loss', preset: 'tiny', backend: 'cpu', metric: 'loss' });
  assert.deepEqual(loss.data[1].y, [2.1, 1.9]);
  assert.throws(
    () => learningCurveFigure([], { title: 'x', preset: 'tiny', backend: 'cpu', metric: 'loss' }),
    /history is empty/,
  );
});

test('table2Rows: one row per T of ours or the paper, saying which side has none', () => {
  assert.deepEqual(
    table2Rows({ '2': accuracyEstimate(firstCorrect(0.62)) }, [
      { T: 4, accuracyPercent: 76.81 },
      { T: 2, accuracyPercent: 74.69 },
    ]),
    [
      { T: 2, 'ours: test accuracy % [95% CI]': '62.0 [55.1, 68.4]', 'paper: accuracy (%)': 74.69 },
      { T: 4, 'ours: test accuracy % [95% CI]': 'not evaluated at this preset', 'paper: accuracy (%)': 76.81 },
    ],
  );
});
