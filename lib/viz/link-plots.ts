/**
 * The link study (`runs/<preset>/link-errors.json`) as figures and a table: accuracy against bit-error rate for
 * both receiver policies, accuracy against frame loss, and per split point what was sent. Accuracies carry their
 * 95% Wilson intervals over the study's test images.
 */
import type { LinkErrors, LinkErrorPoint, LinkErrorSplit } from '../experiments/link-errors';
import { figure, type Figure, type PlotlyTrace } from './figure';
import { percent, percentWithInterval } from './format';
import { errorBars } from './error-bars';
import { layoutPanels, panelAxes } from './panels';
import { wilsonInterval } from '../stats/wilson';
import type { Interval } from '../stats/interval';
import { seriesColor } from './palette';
import type { FigureText } from './figure-text';

function checkStudy(study: LinkErrors): void {
  if (study.splits.length === 0)
    throw new RangeError(`the link study of preset '${study.preset}' holds no split points`);
}

const byRate = (a: LinkErrorPoint, b: LinkErrorPoint) => a.rate - b.rate;

/** The clean accuracy of a split point: its points at rate 0 (all equal: every channel delivers the frame as sent). */
function cleanAccuracy(s: LinkErrorSplit): number | null {
  return s.points.find((p) => p.rate === 0)?.accuracy ?? null;
}

/** The 95% Wilson interval of an accuracy (fraction) of the study, over its test images. */
export function linkAccuracyInterval(study: LinkErrors, accuracy: number): Interval {
  return wilsonInterval(Math.round(accuracy * study.testImages), study.testImages);
}

function accuracyTrace(study: LinkErrors, points: readonly LinkErrorPoint[], color: string): PlotlyTrace {
  return {
    type: 'scatter',
    mode: 'lines+markers',
    x: points.map((p) => p.rate),
    y: points.map((p) => percent(p.accuracy)),
    error_y: errorBars(
      points.map((p) => p.accuracy),
      points.map((p) => linkAccuracyInterval(study, p.accuracy)),
      { scale: 100, style: { color, thickness: 1 } },
    ),
    line: { color },
    marker: { color },
  };
}

/**
 * Accuracy against bit-error rate on a log axis (rates above 0), one panel per receiver policy ('erase', then
 * 'ignore-crc'), one colour per split point, each point with its 95% Wilson interval over the study's test images;
 * the clean accuracy (rate 0) of each split point in the legend.
 */
export function linkErrorFigure(study: LinkErrors, options: FigureText): Figure {
  checkStudy(study);
  const bitErrors = study.splits.flatMap((s) => s.points.filter((p) => p.channel === 'bit-errors' && p.rate > 0));
  if (bitErrors.length === 0)
    throw new RangeError(`the link study of preset '${study.preset}' has no bit-error rate above 0`);
  const policies = [...new Set(bitErrors.map((p) => p.policy!))].sort((a, b) =>
    a === 'erase' ? -1 : b === 'erase' ? 1 : a.localeCompare(b),
  );
  const data: PlotlyTrace[] = [];
  policies.forEach((policy, k) => {
    study.splits.forEach((s, i) => {
      const points = s.points
        .filter((p) => p.channel === 'bit-errors' && p.policy === policy && p.rate > 0)
        .sort(byRate);
      const clean = cleanAccuracy(s);
      const name =
        clean === null
          ? s.split
          : `${s.split} (no errors: ${percentWithInterval(clean, linkAccuracyInterval(study, clean))}%)`;
      data.push({
        ...accuracyTrace(study, points, seriesColor(i)),
        name,
        legendgroup: s.split,
        showlegend: k === 0,
        ...panelAxes(k),
      });
    });
  });
  const rates = [...new Set(bitErrors.map((p) => p.rate))].sort((a, b) => a - b);
  const fig = figure({ ...options, data, width: 1000, height: 480 });
  layoutPanels(
    fig,
    policies.map((policy) => ({
      title: { text: `bit-error rate on the link, receiver: ${policy}` },
      type: 'log',
      tickvals: rates,
      exponentformat: 'power',
    })),
    { title: { text: `test accuracy (%), ${study.testImages} images, bars: 95% Wilson interval` } },
  );
  fig.layout.legend = { orientation: 'h', y: -0.22 };
  return fig;
}

/** Accuracy against the probability that a frame is lost whole, one line per split point, with 95% Wilson intervals. */
export function frameLossFigure(study: LinkErrors, options: FigureText): Figure {
  checkStudy(study);
  const data: PlotlyTrace[] = study.splits.map((s, i) => ({
    ...accuracyTrace(study, s.points.filter((p) => p.channel === 'frame-loss').sort(byRate), seriesColor(i)),
    name: s.split,
  }));
  if (data.every((t) => (t.x as number[]).length === 0))
    throw new RangeError(`the link study of preset '${study.preset}' has no frame-loss points`);
  return figure({
    ...options,
    data,
    xaxis: { title: { text: 'frame-loss probability' }, rangemode: 'tozero' },
    yaxis: { title: { text: `test accuracy (%), ${study.testImages} images, bars: 95% Wilson interval` } },
  });
}

/** The receiver policies of the study: what each does with a damaged frame. */
export function linkPolicyRows(study: LinkErrors): { policy: string; meaning: string }[] {
  return Object.entries(study.policies).map(([policy, meaning]) => ({ policy, meaning }));
}

/** Per split point: the configuration studied, its frame, and the clean accuracy beside the sweep's. */
export function linkSummaryRows(study: LinkErrors): Record<string, string | number>[] {
  checkStudy(study);
  return study.splits.map((s) => {
    const clean = cleanAccuracy(s);
    return {
      split: s.split,
      configuration: s.rowId,
      choice: s.choice,
      'frame (B)': s.frameBytes,
      frames: s.frames,
      'accuracy, no errors % [95% CI]':
        clean === null ? '' : percentWithInterval(clean, linkAccuracyInterval(study, clean)),
      'sweep accuracy (%), whole test set': percent(s.sweepAccuracy),
      'backbone (%)': percent(s.baselineAccuracy),
    };
  });
}
