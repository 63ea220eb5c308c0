// Testbed figures and tables on hand-made rows: one panel per percentile with bootstrap bars, intervals in the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  latencyIntervals,
  summarizeLatencies,
  testbedBytesFigure,
  testbedLatencyFigure,
  testbedTableRows,
  wilsonInterval,
  type Testbed,
} from 'spikesplit';

const label = { preset: 'tiny', backend: 'cpu' };
const row = (mode: string, bandwidthMbps: number | null, p50: number) => ({
  mode,
  bandwidthMbps,
  requests: 20,
  latency: { count: 20, meanMs: p50, p50Ms: p50, p95Ms: p50 + 10, p99Ms: p50 + 20, maxMs: p50 + 20 },
  latencyIntervals: {
    p50Ms: { lower: p50 - 1, upper: p50 + 2 },
    p95Ms: { lower: p50 + 5, upper: p50 + 15 },
    p99Ms: { lower: p50 + 10, upper: p50 + 20 },
  },
  meanTiming: {
    deviceComputeMs: 1,
    encodeMs: 0,
    transferMs: 1,
    serverQueueMs: 0,
    serverDecodeMs: 0,
    serverComputeMs: 1,
  },
  bytesPerRequest: mode === 'raw-offload' ? 3121 : 200,
  messagesPerRequest: 1,
  meanSteps: 2,
  accuracy: 0.5,
  accuracyEstimate: { accuracy: 0.5, ...wilsonInterval(10, 20), count: 20 },
  p50SpeedupVsEdge: 1,
  meanSpeedupVsEdge: 1,
});
const TESTBED = {
  preset: 'tiny',
  rows: [
    row('edge-only', null, 30),
    row('raw-offload', 1, 40),
    row('raw-offload', 10, 20),
    row('spike-split', 1, 35),
    row('spike-split', 10, 33),
  ],
} as unknown as Testbed;

test('testbedLatencyFigure: p50, p95 and p99 in three panels, each point with its interval, edge-only as a level', () => {
  const fig = testbedLatencyFigure(TESTBED, { title: 'latency', ...label });
  assert.deepEqual(
    fig.data.map((t) => t.xaxis),
    ['x', 'x', 'x', 'x2', 'x2', 'x2', 'x3', 'x3', 'x3'],
  );
  const raw50 = fig.data[0];
  assert.deepEqual([raw50.name, raw50.x, raw50.y, raw50.showlegend], ['raw offload', [1, 10], [40, 20], true]);
  assert.deepEqual(raw50.error_y, {
    type: 'data',
    symmetric: false,
    array: [2, 2],
    arrayminus: [1, 1],
    color: '#ff7f0e',
  });
  assert.equal(fig.data[3].showlegend, false);
  assert.equal(fig.data[2].name, 'edge-only (no link); p50 (median) 30.0 [29.0, 32.0] ms');
  assert.deepEqual(fig.data[8].y, [50, 50]);
  assert.equal((fig.layout.yaxis3 as { matches: string }).matches, 'y');
  assert.deepEqual(fig.layout.xaxis?.tickvals, [1, 10]);
});

test('testbedTableRows and testbedBytesFigure: intervals in the cells, bytes on a linear axis from zero', () => {
  const rows = testbedTableRows(TESTBED);
  assert.equal(rows[1]['p50 ms [95% CI]'], '40.0 [39.0, 42.0]');
  assert.equal(rows[1]['p99 ms [95% CI]'], '60.0 [50.0, 60.0]');
  assert.equal(rows[1]['accuracy % [95% CI]'], '50.0 [29.9, 70.1]'); // Wilson 10 of 20
  const fig = testbedBytesFigure(TESTBED, { title: 'bytes', ...label });
  assert.equal(fig.layout.yaxis?.type, undefined);
  assert.equal(fig.layout.yaxis?.rangemode, 'tozero');
});

test('latencyIntervals: bootstrap intervals hold the percentiles; one latency gives a point', () => {
  const ms = Array.from({ length: 200 }, (_, i) => 10 + (i % 50));
  const i = latencyIntervals(ms, { seed: 2 });
  const s = summarizeLatencies(ms); // p50 34, p95 57, p99 59 (nearest rank)
  for (const k of ['p50Ms', 'p95Ms', 'p99Ms'] as const)
    assert.ok(i[k].lower <= s[k] && s[k] <= i[k].upper, `${k}: ${s[k]} outside ${JSON.stringify(i[k])}`);
  assert.ok(i.p99Ms.upper <= 59 && i.p95Ms.lower >= 50, JSON.stringify(i));
  assert.deepEqual(latencyIntervals([7], { seed: 1 }), {
    p50Ms: { lower: 7, upper: 7 },
    p95Ms: { lower: 7, upper: 7 },
    p99Ms: { lower: 7, upper: 7 },
  });
  assert.throws(() => latencyIntervals([], { seed: 1 }), /at least one latency/);
});
