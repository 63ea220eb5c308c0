import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learningCurveFigure, table2Rows } from 'spikesplit';
import { BACKBONE } from './fixtures';

test('learningCurveFigure: train and test per epoch, accuracy in percent', () => {
  const acc = learningCurveFigure(BACKBONE.history, { title: 'Accuracy', preset: 'tiny', backend: 'cpu', metric: 'accuracy' });
  assert.deepEqual(acc.data.map((t) => [t.name, t.x, t.y]), [['train', [1, 2], [20, 40]], ['test', [1, 2], [25, 45]]]);
  const loss = learningCurveFigure(BACKBONE.history, { title: 'Loss', preset: 'tiny', backend: 'cpu', metric: 'loss' });
  assert.deepEqual(loss.data[1].y, [2.1, 1.9]);
  assert.throws(() => learningCurveFigure([], { title: 'x', preset: 'tiny', backend: 'cpu', metric: 'loss' }), /history is empty/);
});

test('table2Rows: one row per T of ours or the paper, saying which side has none', () => {
  assert.deepEqual(table2Rows({ '2': 0.6234 }, [{ T: 4, accuracyPercent: 76.81 }, { T: 2, accuracyPercent: 74.69 }]), [
    { T: 2, 'ours: test accuracy (%)': 62.34, 'paper: accuracy (%)': 74.69 },
    { T: 4, 'ours: test accuracy (%)': 'not evaluated at this preset', 'paper: accuracy (%)': 76.81 },
  ]);
});
