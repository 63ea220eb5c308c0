import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accuracyBitsFigure,
  configurationPerSplit,
  selectionRows,
  sweepTableRows,
  table1BytesFigure,
  table1Entries,
  table1Rows,
} from 'spikesplit';
import { RESULTS } from './fixtures';

const label = { preset: 'tiny', backend: 'cpu' };

test('configurationPerSplit takes the selection, else the least drop', () => {
  assert.deepEqual(
    configurationPerSplit(RESULTS).map((c) => [c.split, c.row.id, c.choice]),
    [
      ['RB3', 'RB3-32x32x4-T2', 'least-drop'],
      ['RB16', 'RB16-2x2x8-T2', 'relaxed'],
    ],
  );
});

test('sweepTableRows lists every row with its intervals, the McNemar p and the choice marked', () => {
  const rows = sweepTableRows(RESULTS);
  assert.equal(rows.length, 5);
  // 117 and 124 of 200 right (Wilson: 51.6-65.1% and 55.1-68.4%); the 7 images lost are the only discordant
  // ones, so McNemar's p = 2 / 2^7 = 0.015625.
  const drop = RESULTS.rows[3].pairedDrop;
  assert.deepEqual([drop.baselineOnly, drop.modelOnly, drop.distinguishable], [7, 0, true]);
  assert.ok(Math.abs(drop.mcnemarP - 0.015625) < 1e-15);
  assert.ok(drop.lower > 0 && drop.lower < 0.035 && drop.upper > 0.035, `interval [${drop.lower}, ${drop.upper}]`);
  assert.deepEqual(rows[3], {
    split: 'RB16',
    'sent [h′, w′, c′]': '[2, 2, 8]',
    T: 2,
    bits: 64,
    bytes: 8,
    'compression ratio': '1x',
    'accuracy % [95% CI]': '58.5 [51.6, 65.1]',
    'backbone % [95% CI]': '62.0 [55.1, 68.4]',
    'drop, points [95% CI]': `3.5 [${(100 * drop.lower).toFixed(1)}, ${(100 * drop.upper).toFixed(1)}]`,
    'McNemar p': '0.016',
    chosen: 'yes (within 4%)',
  });
  assert.equal(rows[0].chosen, '');
});

test('selectionRows: per split point the choice, its drop with the interval, and whether it is distinguishable from zero', () => {
  const rows = selectionRows(RESULTS);
  assert.deepEqual(rows[0], {
    split: 'RB3',
    chosen: 'none within 4%',
    'drop, points [95% CI]': '',
    'McNemar p': '',
    'distinguishable from 0': '',
  });
  assert.equal(rows[1].chosen, 'RB16-2x2x8-T2 (within 4%)');
  assert.equal(rows[1]['distinguishable from 0'], 'yes (p < 0.05)');
  assert.deepEqual(RESULTS.selection[1].drop, RESULTS.rows[3].pairedDrop);
});

test('table1Entries compares with BottleNet++ sending the same [h′, w′, c′] at 8 bits, beside the paper', () => {
  const entries = table1Entries(RESULTS);
  // RB3 [32, 32, 4]: BottleNet++ 32*32*4 values x 8 bits = 4096 B; ours 8192 bits = 1024 B; 1 - 1024/4096 = 75%.
  // RB16 [2, 2, 8]: 32 values x 8 bits = 32 B; ours 64 bits = 8 B: 75%.
  assert.deepEqual(
    entries.map((e) => [
      e.split,
      e.bottleNetPPBytes,
      e.spikeBottleNetBytes,
      e.bitReductionPercent,
      e.accuracyDropPercent,
      e.T,
    ]),
    [
      ['RB3', 4096, 1024, 75, 5, 2],
      ['RB16', 32, 8, 75, 3.5, 2],
    ],
  );
  // The paper's Table 1 as printed: RB3 16,384 / 4,096 B, 75%, 2.13%, T 2; RB16 128 / 64 B, 50%, 2.52%, T 4.
  assert.deepEqual(entries[0].paper, {
    bottleNetPPBytes: 16384,
    spikeBottleNetBytes: 4096,
    bitReductionPercent: 75,
    accuracyDropPercent: 2.13,
    T: 2,
    relaxed: false,
  });
  assert.deepEqual(entries[1].paper, {
    bottleNetPPBytes: 128,
    spikeBottleNetBytes: 64,
    bitReductionPercent: 50,
    accuracyDropPercent: 2.52,
    T: 4,
    relaxed: false,
  });

  const rows = table1Rows(entries);
  assert.equal(rows[0]['ours: choice'], 'none within 4%: least drop');
  assert.equal(rows[1]['paper: accuracy drop (%)'], '2.52');

  const fig = table1BytesFigure(entries, { title: 'Bytes', ...label });
  assert.deepEqual(
    fig.data.map((t) => t.y),
    [
      [1024, 8],
      [4096, 32],
      [4096, 64],
      [16384, 128],
    ],
  );
  assert.equal(fig.layout.barmode, 'group');
  assert.equal(fig.layout.yaxis?.type, 'log');
});

test('accuracyBitsFigure: a trace per split point, the choices ringed, the Pareto front and the backbone levels', () => {
  const fig = accuracyBitsFigure(RESULTS, { title: 'Accuracy against bits', ...label });
  const byName = (name: string) => fig.data.find((t) => t.name === name)!;
  assert.deepEqual(byName('RB3').x, [8192, 512]);
  assert.deepEqual(byName('RB3').y, [57, 50]);
  // Wilson bars: 114 of 200 is 50.1-63.7%, 100 of 200 43.1-56.9%.
  const bars = byName('RB3').error_y as { array: number[]; arrayminus: number[] };
  assert.deepEqual(
    [bars.array.map(Math.round), bars.arrayminus.map(Math.round)],
    [
      [7, 7],
      [7, 7],
    ],
  );
  assert.ok(Math.abs(57 - bars.arrayminus[0] - 50.07) < 0.01 && Math.abs(50 + bars.array[1] - 56.86) < 0.01);
  assert.deepEqual(byName('RB16').x, [1024, 64, 2048]);
  assert.deepEqual(byName('chosen (drop within threshold)').x, [64]);
  assert.deepEqual(byName('Pareto front').x, [64, 2048]);
  assert.deepEqual(byName('Pareto front').y, [58.5, 61]);
  assert.deepEqual(byName('backbone, no bottleneck, T = 4: 66.0 [59.2, 72.2]%').y, [66, 66]);
  assert.deepEqual(fig.layout.xaxis?.tickvals, [64, 512, 1024, 2048, 8192]);
  assert.equal(fig.layout.xaxis?.type, 'log');
});
