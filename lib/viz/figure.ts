/**
 * A plotly figure as plain data (`data` + `layout`, serialisable to JSON), built with `figure()` so that its
 * title names the preset and backend, and the HTML snippet that draws it in a notebook.
 */
import { randomUUID } from 'crypto';
import { labelled, type RunLabel } from './label';
import { plotlyScript } from './plotly';

/** What a plotly attribute holds: JSON. */
export type PlotlyValue = string | number | boolean | null | PlotlyValue[] | { [key: string]: PlotlyValue | undefined };

/** One trace; besides `type`, any attribute of plotly's reference (https://plotly.com/javascript/reference/). */
export interface PlotlyTrace {
  /** SVG trace types only: WebGL ones (`scattergl`, ...) do not render in the headless exporter. */
  type: 'scatter' | 'bar' | 'histogram' | 'box' | 'violin' | 'heatmap' | 'contour';
  [attribute: string]: PlotlyValue | undefined;
}

export interface PlotlyAxis {
  title?: { text: string };
  type?: 'linear' | 'log' | 'category';
  [attribute: string]: PlotlyValue | undefined;
}

export interface PlotlyLayout {
  title: { text: string };
  /** Size in CSS pixels, inline and in the exported PNG. */
  width: number;
  height: number;
  xaxis?: PlotlyAxis;
  yaxis?: PlotlyAxis;
  [attribute: string]: PlotlyValue | undefined;
}

export interface Figure {
  data: PlotlyTrace[];
  layout: PlotlyLayout;
}

export interface FigureSpec extends RunLabel {
  /** What the figure shows; the preset and backend are appended. */
  title: string;
  data: PlotlyTrace[];
  xaxis?: PlotlyAxis;
  yaxis?: PlotlyAxis;
  /** 720 by default. */
  width?: number;
  /** 440 by default. */
  height?: number;
}

/** A figure whose title carries the preset and backend. */
export function figure(spec: FigureSpec): Figure {
  const { title, data, xaxis, yaxis, width = 720, height = 440 } = spec;
  const fig: Figure = {
    data,
    layout: { title: { text: labelled(title, spec) }, width, height, ...(xaxis && { xaxis }), ...(yaxis && { yaxis }) },
  };
  checkFigure(fig);
  return fig;
}

/** Throws unless `fig` has at least one trace and a whole-pixel size. */
export function checkFigure(fig: Figure): void {
  if (!Array.isArray(fig.data) || fig.data.length === 0) {
    throw new Error(`a figure needs at least one trace in 'data'; got ${JSON.stringify(fig.data)}`);
  }
  for (const key of ['width', 'height'] as const) {
    const value = fig.layout?.[key];
    if (!Number.isInteger(value) || value <= 0) {
      throw new Error(
        `a figure's layout.${key} must be a positive whole number of pixels; got ${JSON.stringify(value)}`,
      );
    }
  }
}

let plotlyInlined = false;

/**
 * HTML that draws `fig` with plotly.js. The first snippet of a process carries the plotly.js bundle itself
 * (about 10 MB, from node_modules, no CDN); later ones use the copy already on the page. In a notebook the
 * kernel is the process, so the bundle is inlined once per notebook run. Untrusted notebooks do not run these
 * scripts: `showFigure` sends the PNG in the same output, which they show instead.
 */
export function plotlyHtml(fig: Figure, options: { id?: string } = {}): string {
  checkFigure(fig);
  const id = options.id ?? `spikesplit-figure-${randomUUID()}`;
  if (!/^[A-Za-z][\w-]*$/.test(id)) {
    throw new Error(`plotlyHtml: id must be letters, digits, '-' or '_' starting with a letter; got '${id}'`);
  }
  const bundle = plotlyInlined ? '' : `<script>${plotlyScript()}</script>\n`;
  plotlyInlined = true;
  // `<` escaped so that no string in the figure can close the script element.
  const json = JSON.stringify(fig).replace(/</g, '\\u003c');
  const { width, height } = fig.layout;
  return `<div id="${id}" style="width:${width}px;height:${height}px"></div>
${bundle}<script>
(function () {
  var el = document.getElementById(${JSON.stringify(id)});
  if (!window.Plotly) {
    el.textContent = 'plotly.js is not on this page: the first figure a kernel shows carries it. Restart the kernel and run the notebook again.';
    return;
  }
  var fig = ${json};
  window.Plotly.newPlot(el, fig.data, fig.layout, { displaylogo: false });
})();
</script>`;
}
