/**
 * The link study (`runs/<preset>/link-errors.json`) as figures and a table: accuracy against bit-error rate for
 * both receiver policies, accuracy against frame loss, and per split point what was sent.
 */
import type { LinkErrors, LinkErrorPoint, LinkErrorSplit } from '../experiments/link-errors';
import { figure, type Figure, type PlotlyTrace } from './figure';
import { percent } from './format';
import { seriesColor } from './palette';
import type { FigureText } from './figure-text';

const POLICY_DASH: Record<string, string> = { erase: 'solid', 'ignore-crc': 'dash' };

function checkStudy(study: LinkErrors): void {
  if (study.splits.length === 0) throw new RangeError(`the link study of preset '${study.preset}' holds no split points`);
}

const byRate = (a: LinkErrorPoint, b: LinkErrorPoint) => a.rate - b.rate;

/** The clean accuracy of a split point: its points at rate 0 (all equal: every channel delivers the frame as sent). */
function cleanAccuracy(s: LinkErrorSplit): number | null {
  return s.points.find((p) => p.rate === 0)?.accuracy ?? null;
}

/**
 * Accuracy against bit-error rate on a log axis (rates above 0), one colour per split point, a solid line for
 * 'erase' and a dashed one for 'ignore-crc'; the clean accuracy (rate 0) as a dotted level.
 */
export function linkErrorFigure(study: LinkErrors, options: FigureText): Figure {
  checkStudy(study);
  const rates = study.splits.flatMap((s) => s.points.filter((p) => p.channel === 'bit-errors' && p.rate > 0).map((p) => p.rate));
  if (rates.length === 0) throw new RangeError(`the link study of preset '${study.preset}' has no bit-error rate above 0`);
  const [lo, hi] = [Math.min(...rates) / 2, Math.max(...rates) * 2];
  const data: PlotlyTrace[] = [];
  study.splits.forEach((s, i) => {
    const policies = [...new Set(s.points.filter((p) => p.channel === 'bit-errors').map((p) => p.policy!))];
    for (const policy of policies) {
      const points = s.points.filter((p) => p.channel === 'bit-errors' && p.policy === policy && p.rate > 0).sort(byRate);
      data.push({
        type: 'scatter', mode: 'lines+markers', name: `${s.split}, ${policy}`,
        x: points.map((p) => p.rate), y: points.map((p) => percent(p.accuracy)),
        line: { color: seriesColor(i), dash: POLICY_DASH[policy] ?? 'dot' },
      });
    }
    const clean = cleanAccuracy(s);
    if (clean !== null) {
      data.push({ type: 'scatter', mode: 'lines', name: `${s.split}, no errors`, x: [lo, hi], y: [percent(clean), percent(clean)], line: { color: seriesColor(i), dash: 'dot', width: 1 } });
    }
  });
  return figure({
    ...options,
    data,
    xaxis: { title: { text: 'bit-error rate on the link' }, type: 'log' },
    yaxis: { title: { text: 'test accuracy (%)' } },
  });
}

/** Accuracy against the probability that a frame is lost whole, one line per split point. */
export function frameLossFigure(study: LinkErrors, options: FigureText): Figure {
  checkStudy(study);
  const data: PlotlyTrace[] = study.splits.map((s, i) => {
    const points = s.points.filter((p) => p.channel === 'frame-loss').sort(byRate);
    return { type: 'scatter', mode: 'lines+markers', name: s.split, x: points.map((p) => p.rate), y: points.map((p) => percent(p.accuracy)), line: { color: seriesColor(i) } };
  });
  if (data.every((t) => (t.x as number[]).length === 0)) throw new RangeError(`the link study of preset '${study.preset}' has no frame-loss points`);
  return figure({
    ...options,
    data,
    xaxis: { title: { text: 'frame-loss probability' }, rangemode: 'tozero' },
    yaxis: { title: { text: 'test accuracy (%)' } },
  });
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
      'accuracy, no errors (%)': clean === null ? '' : percent(clean),
      'sweep accuracy (%)': percent(s.sweepAccuracy),
      'backbone (%)': percent(s.baselineAccuracy),
    };
  });
}
