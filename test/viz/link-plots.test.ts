import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameLossFigure, linkErrorFigure, linkSummaryRows } from 'spikesplit';
import { LINK_ERRORS } from './fixtures';

const label = { preset: 'tiny', backend: 'cpu' };

test('linkErrorFigure: a line per split point and policy over the rates above 0, sorted, and the clean level', () => {
  const fig = linkErrorFigure(LINK_ERRORS, { title: 'BER', ...label });
  const byName = (name: string) => fig.data.find((t) => t.name === name)!;
  assert.deepEqual(fig.data.map((t) => t.name), ['RB16, erase', 'RB16, ignore-crc', 'RB16, no errors']);
  assert.deepEqual(byName('RB16, erase').x, [1e-3, 1e-2]);
  assert.deepEqual(byName('RB16, erase').y, [50, 25]);
  assert.deepEqual(byName('RB16, ignore-crc').y, [75, 50]);
  assert.equal((byName('RB16, ignore-crc').line as { dash: string }).dash, 'dash');
  assert.deepEqual(byName('RB16, no errors').y, [75, 75]);
  assert.deepEqual(byName('RB16, no errors').x, [5e-4, 2e-2], 'the level spans the rates, widened by 2 each side');
  assert.equal(fig.layout.xaxis?.type, 'log');
});

test('frameLossFigure: accuracy against loss probability from 0, sorted', () => {
  const fig = frameLossFigure(LINK_ERRORS, { title: 'Loss', ...label });
  assert.deepEqual(fig.data[0].x, [0, 0.5]);
  assert.deepEqual(fig.data[0].y, [75, 25]);
});

test('linkSummaryRows puts the clean accuracy beside the sweep accuracy', () => {
  assert.deepEqual(linkSummaryRows(LINK_ERRORS), [{
    split: 'RB16', configuration: 'RB16-2x2x8-T2', choice: 'relaxed', 'frame (B)': 48, frames: 4,
    'accuracy, no errors (%)': 75, 'sweep accuracy (%)': 58.5, 'backbone (%)': 62,
  }]);
  assert.throws(() => linkErrorFigure({ ...LINK_ERRORS, splits: [] }, { title: 'x', ...label }), /holds no split points/);
});
