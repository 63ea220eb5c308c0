/**
 * The edge-to-cloud testbed (`runs/<preset>/testbed.json`, lib/experiments/testbed.ts) as figures and tables:
 * end-to-end latency (p50 with p95 and p99) against bandwidth per mode, the mean latency broken down into
 * device compute, encoding, transfer and server time, bytes on the wire per request, and the setup. TC: temporal
 * compression.
 */
import type { Testbed, TestbedMode, TestbedRow } from '../experiments/testbed';
import { figure, type Figure, type PlotlyTrace } from './figure';
import type { FigureText } from './figure-text';
import { percent, roundTo } from './format';
import { seriesColor } from './palette';

/** How the modes read in legends and tables. */
export const TESTBED_MODE_LABELS: Readonly<Record<TestbedMode, string>> = {
  'edge-only': 'edge-only',
  'raw-offload': 'raw offload',
  'spike-split': 'spike split',
  'spike-split-tc-exit': 'spike split + TC + early exit',
};

const networked = (t: Testbed) => t.rows.filter((r) => r.bandwidthMbps !== null);
const edgeRow = (t: Testbed): TestbedRow => {
  const row = t.rows.find((r) => r.mode === 'edge-only');
  if (!row) throw new RangeError(`the testbed of preset '${t.preset}' has no edge-only row`);
  return row;
};
const serverMs = (r: TestbedRow) => r.meanTiming.serverQueueMs + r.meanTiming.serverDecodeMs + r.meanTiming.serverComputeMs;
const modesOf = (t: Testbed) => [...new Set(networked(t).map((r) => r.mode))];

/** p50 end-to-end latency against bandwidth (log axis), one line per mode with whiskers up to p95 and p99; edge-only as a dashed level. */
export function testbedLatencyFigure(t: Testbed, options: FigureText): Figure {
  const bandwidths = [...new Set(networked(t).map((r) => r.bandwidthMbps!))].sort((a, b) => a - b);
  if (bandwidths.length === 0) throw new RangeError(`the testbed of preset '${t.preset}' has no networked rows`);
  const data: PlotlyTrace[] = [];
  modesOf(t).forEach((mode, i) => {
    const rows = networked(t).filter((r) => r.mode === mode).sort((a, b) => a.bandwidthMbps! - b.bandwidthMbps!);
    const x = rows.map((r) => r.bandwidthMbps!);
    const color = seriesColor(i + 1);
    data.push({
      type: 'scatter', mode: 'lines+markers', name: `${TESTBED_MODE_LABELS[mode]}, p50 (whisker: p95)`, x, y: rows.map((r) => roundTo(r.latency.p50Ms, 2)),
      error_y: { type: 'data', symmetric: false, array: rows.map((r) => roundTo(r.latency.p95Ms - r.latency.p50Ms, 2)), arrayminus: rows.map(() => 0) },
      line: { color },
    });
    data.push({ type: 'scatter', mode: 'markers', name: `${TESTBED_MODE_LABELS[mode]}, p99`, x, y: rows.map((r) => roundTo(r.latency.p99Ms, 2)), marker: { color, symbol: 'x' } });
  });
  const edge = edgeRow(t);
  const span = [bandwidths[0] / 1.5, bandwidths[bandwidths.length - 1] * 1.5];
  data.push({ type: 'scatter', mode: 'lines', name: 'edge-only, p50', x: span, y: [edge.latency.p50Ms, edge.latency.p50Ms].map((v) => roundTo(v, 2)), line: { color: seriesColor(0), dash: 'dash' } });
  return figure({
    ...options,
    data,
    width: 820,
    xaxis: { title: { text: 'link bandwidth (Mbit/s), each direction' }, type: 'log' },
    yaxis: { title: { text: 'end-to-end latency (ms)' }, rangemode: 'tozero' },
  });
}

/** Mean latency per mode and bandwidth, stacked: device compute, encoding, transfer (both links), server (queue, decode, compute). */
export function testbedBreakdownFigure(t: Testbed, options: FigureText): Figure {
  const rows = [edgeRow(t), ...networked(t)];
  const x = rows.map((r) => `${TESTBED_MODE_LABELS[r.mode]}${r.bandwidthMbps === null ? '' : ` @ ${r.bandwidthMbps} Mbit/s`}`);
  const parts: [string, (r: TestbedRow) => number][] = [
    ['device compute', (r) => r.meanTiming.deviceComputeMs],
    ['encoding', (r) => r.meanTiming.encodeMs],
    ['transfer', (r) => r.meanTiming.transferMs],
    ['server', serverMs],
  ];
  const fig = figure({
    ...options,
    data: parts.map(([name, pick], i): PlotlyTrace => ({ type: 'bar', name, x, y: rows.map((r) => roundTo(pick(r), 2)), marker: { color: seriesColor(i) } })),
    width: 900,
    height: 520,
    xaxis: { title: { text: 'mode @ bandwidth' }, type: 'category', tickangle: -35, automargin: true },
    yaxis: { title: { text: 'mean latency (ms)' } },
  });
  fig.layout.barmode = 'stack';
  return fig;
}

/** Request bytes on the wire per request and mode (the same at every bandwidth: the first one's), log axis. */
export function testbedBytesFigure(t: Testbed, options: FigureText): Figure {
  const rows = modesOf(t).map((mode) => networked(t).find((r) => r.mode === mode)!);
  return figure({
    ...options,
    data: [{ type: 'bar', x: rows.map((r) => TESTBED_MODE_LABELS[r.mode]), y: rows.map((r) => roundTo(r.bytesPerRequest, 1)), marker: { color: rows.map((_, i) => seriesColor(i + 1)) }, text: rows.map((r) => `${roundTo(r.bytesPerRequest, 0)} B`), textposition: 'outside' }],
    xaxis: { title: { text: 'mode' }, type: 'category' },
    yaxis: { title: { text: 'request bytes per image (log)' }, type: 'log' },
  });
}

/** One row per mode and bandwidth: latency percentiles, the mean breakdown, bytes, steps, accuracy, ratio to edge-only. */
export function testbedTableRows(t: Testbed): Record<string, string | number>[] {
  return t.rows.map((r) => ({
    mode: TESTBED_MODE_LABELS[r.mode],
    'Mbit/s': r.bandwidthMbps === null ? '-' : r.bandwidthMbps,
    'p50 (ms)': roundTo(r.latency.p50Ms, 1),
    'p95 (ms)': roundTo(r.latency.p95Ms, 1),
    'p99 (ms)': roundTo(r.latency.p99Ms, 1),
    'device (ms)': roundTo(r.meanTiming.deviceComputeMs, 1),
    'encode (ms)': roundTo(r.meanTiming.encodeMs, 2),
    'transfer (ms)': roundTo(r.meanTiming.transferMs, 1),
    'server (ms)': roundTo(serverMs(r), 1),
    'bytes / request': roundTo(r.bytesPerRequest, 0),
    'messages / request': roundTo(r.messagesPerRequest, 2),
    'steps used': roundTo(r.meanSteps, 2),
    'accuracy (%)': percent(r.accuracy),
    'edge-only p50 / p50': roundTo(r.p50SpeedupVsEdge, 2),
  }));
}

/** The setup of a run: what was measured and how, one row per item. */
export function testbedSetupRows(t: Testbed): { item: string; value: string }[] {
  const { models, earlyExit, config } = t;
  return [
    { item: 'link, each direction', value: Object.values(t.links).join('; ') },
    { item: 'shaping used', value: t.shaping.used },
    { item: 'tc (netem, tbf) in a network namespace', value: `${t.shaping.tc.usable ? 'usable' : 'not usable'}: ${t.shaping.tc.detail}` },
    { item: 'device slowdown', value: `x${config.slowdown}: ${t.slowdownApplied}` },
    { item: 'edge-only, raw offload', value: `${models.backbone.name} (backbone alone), ${models.backbone.weights}` },
    { item: 'spike split', value: `${models.split.name}, ${models.split.weights}` },
    { item: 'spike split + TC + early exit', value: `${models.compressed.name}, ${models.compressed.weights}` },
    {
      item: 'early exit',
      value: `${earlyExit.confidence} > ${earlyExit.threshold}, checked every ${earlyExit.exitEvery} model steps (one sent step per message); ${earlyExit.rule}${earlyExit.canExitEarly ? '' : '; with one sent step it cannot exit early'}`,
    },
    { item: 'requests', value: `${config.requests} per mode and bandwidth, batch 1, one after another; ${t.data}` },
    { item: 'server', value: 'a spikesplit serve child process on 127.0.0.1, one per model and bandwidth; the device in the experiment process' },
  ];
}

/** Per threshold tried: accuracy and mean steps on the calibration images. */
export function testbedThresholdRows(t: Testbed): Record<string, number | string>[] {
  return t.earlyExit.candidates.map((c) => ({ threshold: c.threshold, 'accuracy (%)': percent(c.accuracy), 'mean steps': roundTo(c.meanSteps, 2), chosen: c.threshold === t.earlyExit.threshold ? 'yes' : '' }));
}
