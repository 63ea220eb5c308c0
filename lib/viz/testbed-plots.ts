/**
 * The edge-to-cloud testbed (`runs/<preset>/testbed.json`, lib/experiments/testbed.ts) as figures and tables:
 * end-to-end latency (p50, p95 and p99, each with its bootstrap interval) against bandwidth per mode, the mean latency broken down into
 * device compute, encoding, transfer and server time, bytes on the wire per request, and the setup. TC: temporal
 * compression.
 */
import type { Testbed, TestbedMode, TestbedRow } from '../experiments/testbed';
import { figure, type Figure, type PlotlyAxis, type PlotlyTrace } from './figure';
import { layoutPanels, panelAxes } from './panels';
import type { FigureText } from './figure-text';
import { percentWithInterval, roundTo, withInterval } from './format';
import { errorBars } from './error-bars';

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
const serverMs = (r: TestbedRow) =>
  r.meanTiming.serverQueueMs + r.meanTiming.serverDecodeMs + r.meanTiming.serverComputeMs;
const modesOf = (t: Testbed) => [...new Set(networked(t).map((r) => r.mode))];

const PERCENTILES = [
  ['p50Ms', 'p50 (median)'],
  ['p95Ms', 'p95'],
  ['p99Ms', 'p99'],
] as const;

/**
 * End-to-end latency against bandwidth (log axis), three panels side by side: p50, p95 and p99, one line per mode,
 * each point with its 95% bootstrap interval over the requests; edge-only (no link) as a dashed level with its
 * interval in the legend. Three panels, because whiskers from p50 to p95 would read as intervals.
 */
export function testbedLatencyFigure(t: Testbed, options: FigureText): Figure {
  const bandwidths = [...new Set(networked(t).map((r) => r.bandwidthMbps!))].sort((a, b) => a - b);
  if (bandwidths.length === 0) throw new RangeError(`the testbed of preset '${t.preset}' has no networked rows`);
  const edge = edgeRow(t);
  const span = [bandwidths[0] / 1.5, bandwidths[bandwidths.length - 1] * 1.5];
  const data: PlotlyTrace[] = [];
  PERCENTILES.forEach(([key, label], k) => {
    const axes = panelAxes(k);
    modesOf(t).forEach((mode, i) => {
      const rows = networked(t)
        .filter((r) => r.mode === mode)
        .sort((a, b) => a.bandwidthMbps! - b.bandwidthMbps!);
      const color = seriesColor(i + 1);
      const y = rows.map((r) => r.latency[key]);
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name: TESTBED_MODE_LABELS[mode],
        legendgroup: mode,
        showlegend: k === 0,
        ...axes,
        x: rows.map((r) => r.bandwidthMbps!),
        y: y.map((v) => roundTo(v, 2)),
        error_y: errorBars(
          y,
          rows.map((r) => r.latencyIntervals[key]),
          { style: { color } },
        ),
        line: { color },
      });
    });
    const e = edge.latency[key];
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: `edge-only (no link); ${label} ${withInterval(e, edge.latencyIntervals[key])} ms`,
      ...axes,
      x: span,
      y: [e, e].map((v) => roundTo(v, 2)),
      line: { color: seriesColor(0), dash: 'dash' },
    });
  });
  const fig = figure({ ...options, data, width: 1100, height: 480 });
  layoutPanels(
    fig,
    PERCENTILES.map(([, label]): PlotlyAxis => ({
      title: { text: `${label}: link Mbit/s, each direction` },
      type: 'log',
      tickvals: bandwidths,
    })),
    { title: { text: 'end-to-end latency (ms), bars: 95% bootstrap interval' }, rangemode: 'tozero' },
  );
  fig.layout.legend = { orientation: 'h', y: -0.22 };
  return fig;
}

/** Mean latency per mode and bandwidth, stacked: device compute, encoding, transfer (both links), server (queue, decode, compute). */
export function testbedBreakdownFigure(t: Testbed, options: FigureText): Figure {
  const rows = [edgeRow(t), ...networked(t)];
  const x = rows.map(
    (r) => `${TESTBED_MODE_LABELS[r.mode]}${r.bandwidthMbps === null ? '' : ` @ ${r.bandwidthMbps} Mbit/s`}`,
  );
  const parts: [string, (r: TestbedRow) => number][] = [
    ['device compute', (r) => r.meanTiming.deviceComputeMs],
    ['encoding', (r) => r.meanTiming.encodeMs],
    ['transfer', (r) => r.meanTiming.transferMs],
    ['server', serverMs],
  ];
  const fig = figure({
    ...options,
    data: parts.map(([name, pick], i): PlotlyTrace => ({
      type: 'bar',
      name,
      x,
      y: rows.map((r) => roundTo(pick(r), 2)),
      marker: { color: seriesColor(i) },
    })),
    width: 900,
    height: 520,
    xaxis: { title: { text: 'mode @ bandwidth' }, type: 'category', tickangle: -35, automargin: true },
    yaxis: { title: { text: 'mean latency (ms)' } },
  });
  fig.layout.barmode = 'stack';
  return fig;
}

/**
 * Request bytes on the wire per request and mode (the same at every bandwidth: the first one's), on a linear axis
 * from zero: on a log axis a bar's length means nothing, and the 12x between raw offload and the early exit read as 2x.
 */
export function testbedBytesFigure(t: Testbed, options: FigureText): Figure {
  const rows = modesOf(t).map((mode) => networked(t).find((r) => r.mode === mode)!);
  return figure({
    ...options,
    data: [
      {
        type: 'bar',
        x: rows.map((r) => TESTBED_MODE_LABELS[r.mode]),
        y: rows.map((r) => roundTo(r.bytesPerRequest, 1)),
        marker: { color: rows.map((_, i) => seriesColor(i + 1)) },
        text: rows.map((r) => `${roundTo(r.bytesPerRequest, 0)} B`),
        textposition: 'outside',
      },
    ],
    xaxis: { title: { text: 'mode' }, type: 'category' },
    yaxis: { title: { text: 'request bytes per image (B)' }, rangemode: 'tozero' },
  });
}

/** One row per mode and bandwidth: latency percentiles, the mean breakdown, bytes, steps, accuracy, ratio to edge-only. */
export function testbedTableRows(t: Testbed): Record<string, string | number>[] {
  return t.rows.map((r) => ({
    mode: TESTBED_MODE_LABELS[r.mode],
    'Mbit/s': r.bandwidthMbps === null ? '-' : r.bandwidthMbps,
    ...Object.fromEntries(
      PERCENTILES.map(([key]) => [
        `${key.slice(0, 3)} ms [95% CI]`,
        withInterval(r.latency[key], r.latencyIntervals[key]),
      ]),
    ),
    'device (ms)': roundTo(r.meanTiming.deviceComputeMs, 1),
    'encode (ms)': roundTo(r.meanTiming.encodeMs, 2),
    'transfer (ms)': roundTo(r.meanTiming.transferMs, 1),
    'server (ms)': roundTo(serverMs(r), 1),
    'bytes / request': roundTo(r.bytesPerRequest, 0),
    'messages / request': roundTo(r.messagesPerRequest, 2),
    'steps used': roundTo(r.meanSteps, 2),
    'accuracy % [95% CI]': percentWithInterval(r.accuracy, r.accuracyEstimate),
    'edge-only p50 / p50': roundTo(r.p50SpeedupVsEdge, 2),
  }));
}

/** The setup of a run: what was measured and how, one row per item. */
export function testbedSetupRows(t: Testbed): { item: string; value: string }[] {
  const { models, earlyExit, config } = t;
  return [
    { item: 'link, each direction', value: Object.values(t.links).join('; ') },
    { item: 'shaping used', value: t.shaping.used },
    {
      item: 'tc (netem, tbf) in a network namespace',
      value: `${t.shaping.tc.usable ? 'usable' : 'not usable'}: ${t.shaping.tc.detail}`,
    },
    { item: 'device slowdown', value: `x${config.slowdown}: ${t.slowdownApplied}` },
    { item: 'edge-only, raw offload', value: `${models.backbone.name} (backbone alone), ${models.backbone.weights}` },
    { item: 'spike split', value: `${models.split.name}, ${models.split.weights}` },
    { item: 'spike split + TC + early exit', value: `${models.compressed.name}, ${models.compressed.weights}` },
    {
      item: 'early exit',
      value: `${earlyExit.confidence} > ${earlyExit.threshold}, checked every ${earlyExit.exitEvery} model steps (one sent step per message); ${earlyExit.rule}${earlyExit.canExitEarly ? '' : '; with one sent step it cannot exit early'}`,
    },
    { item: 'requests', value: `${config.requests} per mode and bandwidth, batch 1, one after another; ${t.data}` },
    {
      item: 'server',
      value:
        'a spikesplit serve child process on 127.0.0.1, one per model and bandwidth; the device in the experiment process',
    },
  ];
}

/** Per threshold tried: accuracy (with its Wilson interval) and mean steps on the calibration images. */
export function testbedThresholdRows(t: Testbed): Record<string, number | string>[] {
  return t.earlyExit.candidates.map((c) => ({
    threshold: c.threshold,
    'accuracy % [95% CI]': percentWithInterval(c.accuracy, c.accuracyEstimate),
    'mean steps': roundTo(c.meanSteps, 2),
    chosen: c.threshold === t.earlyExit.threshold ? 'yes' : '',
  }));
}

/** Per mode and bandwidth: how many times lower than edge-only the latency is, beside NeuCODEX's "up to 3x". */
export function testbedSpeedupRows(testbed: Testbed): Record<string, string | number>[] {
  const edge = testbed.rows.find((r) => r.mode === 'edge-only');
  if (edge === undefined) throw new RangeError('testbedSpeedupRows: the testbed has no edge-only row to compare with');
  return testbed.rows
    .filter((r) => r.bandwidthMbps !== null)
    .map((r) => ({
      mode: TESTBED_MODE_LABELS[r.mode],
      'Mbit/s': r.bandwidthMbps!,
      'p50 (ms)': roundTo(r.latency.p50Ms, 1),
      'edge-only p50 (ms)': roundTo(edge.latency.p50Ms, 1),
      'edge-only p50 / p50 (measured)': roundTo(r.p50SpeedupVsEdge, 2),
      'edge-only mean / mean (measured)': roundTo(r.meanSpeedupVsEdge, 2),
      'NeuCODEX (paper): up to': '3x lower than edge-only',
    }));
}
