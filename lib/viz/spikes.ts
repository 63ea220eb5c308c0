/**
 * Figures of spiking activity: spike rasters, maps of spikes (or intensities) side by side, a LIF neuron's
 * membrane with its threshold and resets, and the surrogate gradient curves. Each takes plain data and returns
 * a `Figure`; the notebook computes the spikes (encoders, `lifStep`) and shows the figure.
 */
import type { Surrogate } from '../snn/surrogate';
import { figure, type Figure, type PlotlyTrace } from './figure';
import type { FigureText } from './figure-text';
import { seriesColor } from './palette';

/** Spike trains of `neurons` neurons over `steps` steps: `values[t * neurons + n]` is 1 where neuron n fired at step t, else 0. */
export interface SpikeTrains {
  steps: number;
  neurons: number;
  values: ArrayLike<number>;
}

function checkTrains({ steps, neurons, values }: SpikeTrains): void {
  if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(neurons) || neurons < 1) {
    throw new RangeError(`spike trains need whole steps >= 1 and neurons >= 1; got steps ${steps}, neurons ${neurons}`);
  }
  if (values.length !== steps * neurons)
    throw new RangeError(
      `spike trains of ${steps} steps x ${neurons} neurons need ${steps * neurons} values; got ${values.length}`,
    );
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 0 && values[i] !== 1)
      throw new RangeError(
        `spike trains hold 0 or 1; value ${i} (step ${Math.floor(i / neurons) + 1}, neuron ${i % neurons}) is ${values[i]}`,
      );
  }
}

/** A raster: one tick at (step, neuron) per spike; steps count from 1. */
export function spikeRaster(trains: SpikeTrains, options: FigureText & { neuronAxis?: string }): Figure {
  checkTrains(trains);
  const x: number[] = [];
  const y: number[] = [];
  for (let t = 0; t < trains.steps; t++) {
    for (let n = 0; n < trains.neurons; n++) {
      if (trains.values[t * trains.neurons + n] === 1) {
        x.push(t + 1);
        y.push(n);
      }
    }
  }
  const tick = Math.max(4, Math.min(14, Math.floor(300 / trains.neurons)));
  return figure({
    ...options,
    data: [
      {
        type: 'scatter',
        mode: 'markers',
        name: 'spike',
        x,
        y,
        marker: { symbol: 'line-ns-open', size: tick, line: { width: 2 }, color: seriesColor(0) },
      },
    ],
    xaxis: {
      title: { text: 'time step t' },
      range: [0.5, trains.steps + 0.5],
      dtick: trains.steps <= 20 ? 1 : undefined,
    },
    yaxis: { title: { text: options.neuronAxis ?? 'neuron' }, range: [trains.neurons - 0.5, -0.5] }, // neuron 0 at the top
  });
}

/** One map of a panel figure: `z[row][column]`. */
export interface FramePanel {
  name: string;
  z: number[][];
}

/**
 * Maps side by side, sharing one colour scale from `zmin` to `zmax` (grey by default, `zmin` black; image-like:
 * row 0 at the top, square pixels), e.g. an image and its spikes at each step.
 */
export function framePanels(
  panels: FramePanel[],
  options: FigureText & { zmin: number; zmax: number; colorscale?: string; panelSize?: number },
): Figure {
  if (panels.length === 0) throw new RangeError('framePanels needs at least one panel');
  const rows = panels[0].z.length;
  const cols = panels[0].z[0]?.length ?? 0;
  for (const p of panels) {
    if (p.z.length !== rows || p.z.some((r) => r.length !== cols) || rows === 0 || cols === 0) {
      throw new RangeError(
        `framePanels: every panel must be a non-empty ${rows} x ${cols} map; '${p.name}' is ${p.z.length} x ${p.z[0]?.length ?? 0} or ragged`,
      );
    }
  }
  const size = options.panelSize ?? 160;
  const gap = 0.02;
  const n = panels.length;
  const span = (1 - gap * (n - 1)) / n;
  const axisName = (i: number, axis: 'x' | 'y') => (i === 0 ? axis : `${axis}${i + 1}`);
  const data: PlotlyTrace[] = panels.map((p, i) => ({
    type: 'heatmap',
    name: p.name,
    z: p.z,
    zmin: options.zmin,
    zmax: options.zmax,
    colorscale: options.colorscale ?? 'Greys', // plotly's Greys: zmin black, zmax white
    showscale: i === n - 1,
    xaxis: axisName(i, 'x'),
    yaxis: axisName(i, 'y'),
  }));
  const fig = figure({
    ...options,
    data,
    width: Math.max(720, Math.round(n * size + 140)),
    height: Math.round(size + 130),
  });
  const hidden = { showticklabels: false, ticks: '', showgrid: false, zeroline: false };
  const layout: Record<string, unknown> = {};
  panels.forEach((p, i) => {
    const x0 = i * (span + gap);
    const xKey = i === 0 ? 'xaxis' : `xaxis${i + 1}`;
    const yKey = i === 0 ? 'yaxis' : `yaxis${i + 1}`;
    layout[xKey] = { ...hidden, domain: [x0, x0 + span], anchor: axisName(i, 'y'), title: { text: p.name } };
    layout[yKey] = { ...hidden, autorange: 'reversed', scaleanchor: axisName(i, 'x'), anchor: axisName(i, 'x') };
  });
  Object.assign(fig.layout, layout);
  return fig;
}

/**
 * What one LIF neuron did over T steps (SpikeBottleNet eqs. 1-3): the input x[t], the membrane h[t] before firing,
 * the spike o[t] in {0, 1} and the membrane u[t] after the reset.
 */
export interface MembraneTrace {
  input: number[];
  membrane: number[];
  spikes: number[];
  afterReset: number[];
  threshold: number;
}

/** The steps of a trace, checked to be the same in each of its series and at least one. */
function traceSteps(trace: MembraneTrace): number {
  const T = trace.input.length;
  for (const key of ['membrane', 'spikes', 'afterReset'] as const) {
    if (trace[key].length !== T)
      throw new RangeError(`membrane trace: '${key}' has ${trace[key].length} steps, 'input' ${T}; expected the same`);
  }
  if (T === 0) throw new RangeError('membrane trace: no steps');
  return T;
}

/** The membrane's line: h[t] at step t, and where the neuron fires a second point at the same step, u[t] after the reset. */
function resetPath(trace: MembraneTrace): { x: number[]; y: number[] } {
  const path = { x: [] as number[], y: [] as number[] };
  for (let t = 0; t < trace.input.length; t++) {
    path.x.push(t + 1);
    path.y.push(trace.membrane[t]);
    if (trace.spikes[t] === 1) {
      path.x.push(t + 1);
      path.y.push(trace.afterReset[t]);
    }
  }
  return path;
}

/**
 * The membrane h[t] at every step, dropping to u[t] where the neuron fires (the reset drawn as a vertical line at
 * that step), the threshold, the spikes, and the input as a step line.
 */
export function membraneTraceFigure(trace: MembraneTrace, options: FigureText): Figure {
  const T = traceSteps(trace);
  const steps = Array.from({ length: T }, (_, t) => t + 1);
  const path = resetPath(trace);
  const fired = steps.filter((_, t) => trace.spikes[t] === 1);
  return figure({
    ...options,
    data: [
      {
        type: 'scatter',
        mode: 'lines',
        name: 'input x[t]',
        x: steps,
        y: trace.input,
        line: { shape: 'hv', color: seriesColor(7), dash: 'dot' },
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: 'membrane h[t], reset to u[t]',
        x: path.x,
        y: path.y,
        line: { color: seriesColor(0) },
        marker: { size: 5 },
      },
      {
        type: 'scatter',
        mode: 'lines',
        name: `threshold Vth = ${trace.threshold}`,
        x: [0.5, T + 0.5],
        y: [trace.threshold, trace.threshold],
        line: { color: seriesColor(3), dash: 'dash' },
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'spike o[t] = 1',
        x: fired,
        y: fired.map(() => trace.threshold),
        marker: { symbol: 'star', size: 12, color: seriesColor(1) },
      },
    ],
    xaxis: { title: { text: 'time step t' }, range: [0.5, T + 0.5] },
    yaxis: { title: { text: 'membrane potential' } },
  });
}

/** Evenly spaced samples of [from, to], both ends included. */
function grid(from: number, to: number, points: number): number[] {
  return Array.from({ length: points }, (_, i) => from + ((to - from) * i) / (points - 1));
}

const describe = (s: Surrogate) =>
  `${s.name} (${Object.entries(s.params)
    .map(([k, v]) => `${k} = ${v}`)
    .join(', ')})`;

/**
 * Surrogates against x = u - Vth: their smooth primitives g(x) beside the Heaviside step the forward pass uses,
 * or their derivatives g'(x), the gradient the backward pass uses in place of H'(x).
 */
export function surrogateFigure(
  surrogates: Surrogate[],
  options: FigureText & { curve: 'primitive' | 'derivative'; range?: [number, number]; points?: number },
): Figure {
  if (surrogates.length === 0) throw new RangeError('surrogateFigure needs at least one surrogate');
  const [from, to] = options.range ?? [-2, 2];
  const points = options.points ?? 401;
  if (!(from < to) || !Number.isInteger(points) || points < 2)
    throw new RangeError(
      `surrogateFigure: expected range from < to and at least 2 points; got [${from}, ${to}], ${points}`,
    );
  const x = grid(from, to, points);
  const data: PlotlyTrace[] = surrogates.map((s, i) => ({
    type: 'scatter',
    mode: 'lines',
    name: describe(s),
    x,
    y: x.map((v) => (options.curve === 'primitive' ? s.primitive(v) : s.derivative(v))),
    line: { color: seriesColor(i) },
  }));
  if (options.curve === 'primitive') {
    data.unshift({
      type: 'scatter',
      mode: 'lines',
      name: 'Heaviside H(x) (forward pass)',
      x: [from, 0, 0, to],
      y: [0, 0, 1, 1],
      line: { color: 'black', dash: 'dash' },
    });
  }
  return figure({
    ...options,
    data,
    xaxis: { title: { text: 'x = u − Vth' } },
    yaxis: { title: { text: options.curve === 'primitive' ? 'g(x)' : "g'(x), used as dH/dx" } },
  });
}
