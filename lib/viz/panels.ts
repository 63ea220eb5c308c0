/**
 * Side-by-side panels in one plotly figure: panel k has its own x axis (`x`, `x2`, ...) and a y axis (`y`, `y2`,
 * ...) matched to the first, so the panels share one y scale and the values compare across them.
 */
import type { Figure, PlotlyAxis } from './figure';

/** The axes a trace of panel k (from 0) names. */
export function panelAxes(k: number): { xaxis: string; yaxis: string } {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`panelAxes: panel must be a whole number >= 0; got ${k}`);
  return k === 0 ? { xaxis: 'x', yaxis: 'y' } : { xaxis: `x${k + 1}`, yaxis: `y${k + 1}` };
}

/** Lays out one x axis per panel, left to right with `gap` between them (fraction of the width), on `fig`. */
export function layoutPanels(fig: Figure, xaxes: readonly PlotlyAxis[], yaxis: PlotlyAxis, gap = 0.07): void {
  if (xaxes.length === 0) throw new RangeError('layoutPanels needs at least one panel');
  const width = (1 - gap * (xaxes.length - 1)) / xaxes.length;
  xaxes.forEach((axis, k) => {
    const domain = [k * (width + gap), k * (width + gap) + width];
    if (k === 0) {
      fig.layout.xaxis = { ...axis, domain };
      fig.layout.yaxis = yaxis;
    } else {
      fig.layout[`xaxis${k + 1}`] = { ...axis, domain, anchor: `y${k + 1}` };
      fig.layout[`yaxis${k + 1}`] = { anchor: `x${k + 1}`, matches: 'y', rangemode: yaxis.rangemode };
    }
  });
}
