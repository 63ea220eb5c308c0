/**
 * NeuCODEX (`runs/<preset>/neucodex.json`, lib/experiments/neucodex.ts) as figures and tables: split accuracy and
 * device energy against the bits sent at each T', and the early-exit curves over the exit thresholds, one panel per
 * backbone (their bit counts differ by an order of magnitude). Accuracies carry their 95% intervals: Wilson over
 * the test images for a split model, bootstrap over the images for an early-exit point (its steps and bits too).
 */
import type { NeucodexResultRow, NeucodexResults } from '../experiments/neucodex';
import type { ExitSweepRow } from '../neucodex/exit-sweep';
import type { Interval } from '../stats/interval';
import { errorBars } from './error-bars';
import { figure, type Figure, type PlotlyAxis, type PlotlyTrace } from './figure';
import type { FigureText } from './figure-text';
import { percent, percentWithInterval, pValue, roundTo } from './format';
import { seriesColor } from './palette';
import { layoutPanels, panelAxes } from './panels';

const groupName = (r: NeucodexResultRow) => `${r.model}, ${r.input}`;
const SENT_STEP_SYMBOLS: Record<number, string> = { 1: 'diamond', 2: 'square', 4: 'circle', 8: 'triangle-up' };

function rowsOf(results: NeucodexResults): NeucodexResultRow[] {
  if (results.rows.length === 0)
    throw new RangeError(`the NeuCODEX results of preset '${results.preset}' hold no rows`);
  return results.rows;
}

/** A log axis whose ticks are the values plotted (plotly's own log ticks leave 128 or 2,048 unlabelled). */
function valueTicks(values: readonly number[], title: string): PlotlyAxis {
  const ticks = [...new Set(values.map((v) => Math.round(v)))].sort((a, b) => a - b);
  return {
    title: { text: title },
    type: 'log',
    tickvals: ticks,
    ticktext: ticks.map((v) => v.toLocaleString('en-US')),
  };
}

/** One line per backbone and input over T', markers by T'; `y` in percent, with optional intervals (fractions). */
function perGroupFigure(
  results: NeucodexResults,
  options: FigureText,
  y: (r: NeucodexResultRow) => number,
  interval: ((r: NeucodexResultRow) => Interval) | null,
  yTitle: string,
): Figure {
  const rows = rowsOf(results);
  const groups = [...new Set(rows.map(groupName))];
  const data: PlotlyTrace[] = groups.map((g, i) => {
    const inGroup = rows.filter((r) => groupName(r) === g).sort((a, b) => a.bits.sent - b.bits.sent);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: g,
      x: inGroup.map((r) => r.bits.sent),
      y: inGroup.map((r) => percent(y(r))),
      text: inGroup.map((r) => `T'=${r.sentSteps} of ${r.T}`),
      hoverinfo: 'x+y+text+name',
      marker: {
        size: 10,
        color: seriesColor(i),
        symbol: inGroup.map((r) => SENT_STEP_SYMBOLS[r.sentSteps] ?? 'circle'),
      },
      line: { color: seriesColor(i) },
      ...(interval
        ? {
            error_y: errorBars(inGroup.map(y), inGroup.map(interval), { scale: 100, style: { color: seriesColor(i) } }),
          }
        : {}),
    };
  });
  const symbols = [...new Set(rows.map((r) => r.sentSteps))].sort((a, b) => b - a);
  for (const s of symbols) {
    // Legend entries for the marker shapes only (a point outside the axes' range would move them).
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: `T' = ${s} sent of ${rows[0].T}`,
      x: [null],
      y: [null],
      marker: { size: 10, color: 'black', symbol: SENT_STEP_SYMBOLS[s] ?? 'circle' },
    });
  }
  return figure({
    ...options,
    data,
    width: 820,
    xaxis: valueTicks(
      rows.map((r) => r.bits.sent),
      'bits sent per image (T′ h′ w′ c′), log scale',
    ),
    yaxis: { title: { text: yTitle } },
  });
}

/** Split accuracy against the bits sent, each T', with 95% Wilson intervals over the test images. */
export function neucodexAccuracyBitsFigure(results: NeucodexResults, options: FigureText): Figure {
  return perGroupFigure(
    results,
    options,
    (r) => r.accuracy,
    (r) => r.accuracyEstimate,
    'test accuracy (%), bars: 95% Wilson interval',
  );
}

/** Device energy saved against edge-only at the bits sent, each T' (computed from measured firing rates: no interval). */
export function neucodexEnergyBitsFigure(results: NeucodexResults, options: FigureText): Figure {
  return perGroupFigure(results, options, (r) => r.energy.reduction, null, 'device energy below edge-only (%)');
}

export type ExitAxis = 'steps' | 'bits' | 'energy';

const EXIT_X: Record<
  ExitAxis,
  {
    title: string;
    value: (e: ExitSweepRow) => number;
    interval: (e: ExitSweepRow) => Interval;
    scale: number;
    log: boolean;
  }
> = {
  steps: {
    title: 'mean time steps used',
    value: (e) => e.meanSteps,
    interval: (e) => e.meanStepsInterval,
    scale: 1,
    log: false,
  },
  bits: {
    title: 'mean bits sent per image, log scale',
    value: (e) => e.bits,
    interval: (e) => e.bitsInterval,
    scale: 1,
    log: true,
  },
  energy: {
    title: 'mean device energy per image (µJ)',
    value: (e) => e.deviceEnergyPJ,
    interval: (e) => e.deviceEnergyPJInterval,
    scale: 1e-6,
    log: false,
  },
};

/**
 * Early exit: accuracy against the cost the exits save (`x`), one point per threshold, one line per split model,
 * one panel per backbone; both coordinates with 95% bootstrap intervals over the test images.
 */
export function earlyExitFigure(results: NeucodexResults, options: FigureText & { x: ExitAxis }): Figure {
  const rows = rowsOf(results);
  const x = EXIT_X[options.x];
  const models = [...new Set(rows.map((r) => r.model))];
  const data: PlotlyTrace[] = [];
  models.forEach((model, k) => {
    const axes = panelAxes(k);
    rows
      .filter((r) => r.model === model)
      .forEach((r, i) => {
        const exits = r.earlyExit.rows;
        const color = seriesColor(i);
        data.push({
          type: 'scatter',
          mode: 'lines+markers',
          name: `${r.model} ${r.input} T'=${r.sentSteps}`,
          ...axes,
          x: exits.map((e) => roundTo(x.scale * x.value(e), 4)),
          y: exits.map((e) => percent(e.accuracy)),
          text: exits.map((e) => `threshold ${e.threshold}`),
          error_y: errorBars(
            exits.map((e) => e.accuracy),
            exits.map((e) => e.accuracyInterval),
            { scale: 100, style: { color, thickness: 1 } },
          ),
          error_x: errorBars(exits.map(x.value), exits.map(x.interval), {
            scale: x.scale,
            digits: 4,
            style: { color, thickness: 1 },
          }),
          line: { color, dash: r.input === 'events' ? 'dot' : 'solid' },
          marker: { color, symbol: SENT_STEP_SYMBOLS[r.sentSteps] ?? 'circle' },
        });
      });
  });
  const fig = figure({ ...options, data, width: 1100, height: 520 });
  layoutPanels(
    fig,
    models.map((m): PlotlyAxis => ({ title: { text: `${m}: ${x.title}` }, ...(x.log ? { type: 'log' } : {}) })),
    { title: { text: 'test accuracy (%), bars: 95% bootstrap interval' } },
  );
  fig.layout.legend = { orientation: 'h', y: -0.2 };
  return fig;
}

/** Per row: split accuracy and edge-only accuracy with their Wilson intervals, the paired drop with its interval and McNemar p. */
export function neucodexAccuracyRows(results: NeucodexResults): Record<string, string>[] {
  return rowsOf(results).map((r) => {
    const b = results.backbones.find((x) => x.group === r.group)!; // collectNeucodex has every row's backbone
    return {
      model: `${r.model} ${r.input} T'=${r.sentSteps}`,
      'edge-only % [95% CI]': percentWithInterval(b.accuracy, b.accuracyEstimate),
      'split % [95% CI]': percentWithInterval(r.accuracy, r.accuracyEstimate),
      'drop, points [95% CI]': percentWithInterval(r.pairedDrop.drop, r.pairedDrop),
      'McNemar p': pValue(r.pairedDrop.mcnemarP),
      'distinguishable from 0': r.pairedDrop.distinguishable ? 'yes (p < 0.05)' : 'no',
    };
  });
}
