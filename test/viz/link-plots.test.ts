import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameLossFigure, linkErrorFigure, linkSummaryRows } from 'spikesplit';
import { LINK_ERRORS } from './fixtures';

const label = { preset: 'tiny', backend: 'cpu' };

test('linkErrorFigure: a panel per policy, a line per split point over the rates above 0, sorted, with Wilson bars; the clean accuracy in the legend', () => {
  const fig = linkErrorFigure(LINK_ERRORS, { title: 'BER', ...label });
  // 3 of 4 images right without errors: Wilson 30.1-95.4%.
  const name = 'RB16 (no errors: 75.0 [30.1, 95.4]%)';
  assert.deepEqual(
    fig.data.map((t) => [t.name, t.xaxis, t.showlegend]),
    [
      [name, 'x', true],
      [name, 'x2', false],
    ],
  );
  const [erase, ignore] = fig.data;
  assert.deepEqual(erase.x, [1e-3, 1e-2]);
  assert.deepEqual(erase.y, [50, 25]);
  assert.deepEqual(ignore.y, [75, 50]);
  // 2 of 4 and 1 of 4: 15.0-85.0% and 4.6-69.9%.
  assert.deepEqual(erase.error_y, {
    type: 'data',
    symmetric: false,
    array: [35, 44.94],
    arrayminus: [35, 20.44],
    color: '#1f77b4',
    thickness: 1,
  });
  assert.match(String(fig.layout.xaxis?.title?.text), /receiver: erase/);
  assert.match(String((fig.layout.xaxis2 as { title: { text: string } }).title.text), /receiver: ignore-crc/);
  assert.equal(fig.layout.xaxis?.type, 'log');
  assert.deepEqual(fig.layout.xaxis?.tickvals, [1e-3, 1e-2]);
});

test('frameLossFigure: accuracy against loss probability from 0, sorted', () => {
  const fig = frameLossFigure(LINK_ERRORS, { title: 'Loss', ...label });
  assert.deepEqual(fig.data[0].x, [0, 0.5]);
  assert.deepEqual(fig.data[0].y, [75, 25]);
  assert.deepEqual((fig.data[0].error_y as { array: number[] }).array, [20.44, 44.94]);
});

test('linkSummaryRows puts the clean accuracy beside the sweep accuracy', () => {
  assert.deepEqual(linkSummaryRows(LINK_ERRORS), [
    {
      split: 'RB16',
      configuration: 'RB16-2x2x8-T2',
      choice: 'relaxed',
      'frame (B)': 48,
      frames: 4,
      'accuracy, no errors % [95% CI]': '75.0 [30.1, 95.4]',
      'sweep accuracy (%), whole test set': 58.5,
      'backbone (%)': 62,
    },
  ]);
  assert.throws(
    () => linkErrorFigure({ ...LINK_ERRORS, splits: [] }, { title: 'x', ...label }),
    /holds no split points/,
  );
});
