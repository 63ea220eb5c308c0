/**
 * The split sweep as tables and figures: every row of the sweep; the analogue of SpikeBottleNet's Table 1 (bytes
 * per split point against BottleNet++ for the same configuration, with the paper's printed row beside ours); and
 * accuracy against transmitted bits for every split point with the Pareto front (the analogue of Figure 3).
 */
import { transmissionBits } from '../bottleneck/bits';
import { dnnTwin } from '../models/registry';
import { PAPER_TABLE1_BIT_WIDTH, PAPER_TABLE1_PRINTED } from '../bottleneck/paper-table1';
import { configurationPerSplit, type ConfigurationChoice } from '../experiments/link-errors';
import type { Results } from '../experiments/results';
import type { SweepRow } from '../experiments/sweep';
import { figure, type Figure, type PlotlyTrace } from './figure';
import { percent, percentWithInterval, pValue, roundTo } from './format';
import { errorBars } from './error-bars';
import { seriesColor } from './palette';
import { paretoFront } from './pareto';
import type { FigureText } from './figure-text';

const relaxed = (results: Results) => `${roundTo(100 * results.selectionRule.relaxedThreshold, 2)}%`;

/**
 * Every sweep row as a table row, in the sweep's order, with the selection marked: accuracies with their 95%
 * Wilson intervals, the drop (percentage points) with its 95% paired-bootstrap interval and the exact McNemar p.
 */
export function sweepTableRows(results: Results): Record<string, string | number>[] {
  return results.rows.map((r) => {
    const sel = results.selection.find((s) => s.split === r.split);
    const chosen = sel?.chosen === r.id ? (sel.relaxed ? `yes (within ${relaxed(results)})` : 'yes') : '';
    const backbone = results.backboneAccuracy[r.T];
    return {
      split: r.split,
      'sent [h′, w′, c′]': `[${r.sentShape.join(', ')}]`,
      T: r.T,
      bits: r.bits,
      bytes: r.bytes,
      'compression ratio': `${roundTo(r.compressionRatio, 1)}x`,
      'accuracy % [95% CI]': percentWithInterval(r.accuracy, r.accuracyEstimate),
      'backbone % [95% CI]': backbone ? percentWithInterval(backbone.accuracy, backbone) : percent(r.baselineAccuracy),
      'drop, points [95% CI]': percentWithInterval(r.pairedDrop.drop, r.pairedDrop),
      'McNemar p': pValue(r.pairedDrop.mcnemarP),
      chosen,
    };
  });
}

/** Per split point: the configuration the rule chose, its drop with the interval, and whether it is distinguishable from zero. */
export function selectionRows(results: Results): Record<string, string>[] {
  return results.selection.map((s) => ({
    split: s.split,
    chosen:
      s.chosen === null
        ? `none within ${relaxed(results)}`
        : `${s.chosen}${s.relaxed ? ` (within ${relaxed(results)})` : ''}`,
    'drop, points [95% CI]': s.drop === null ? '' : percentWithInterval(s.drop.drop, s.drop),
    'McNemar p': s.drop === null ? '' : pValue(s.drop.mcnemarP),
    'distinguishable from 0': s.drop === null ? '' : s.drop.distinguishable ? 'yes (p < 0.05)' : 'no',
  }));
}

/** One split point of the Table 1 analogue: our chosen configuration, and the paper's printed column where it has one. */
export interface Table1Entry {
  split: string;
  rowId: string;
  choice: ConfigurationChoice;
  T: number;
  spikeBottleNetBytes: number;
  /** BottleNet++ (DNN twin of the backbone, 8-bit codes) sending the same [h', w', c']. */
  bottleNetPPBytes: number;
  /** 100 (1 - SpikeBottleNet bytes / BottleNet++ bytes). */
  bitReductionPercent: number;
  accuracyDropPercent: number;
  paper: {
    bottleNetPPBytes: number;
    spikeBottleNetBytes: number;
    bitReductionPercent: number;
    accuracyDropPercent: number;
    T: number;
    relaxed: boolean;
  } | null;
}

function bottleNetPPBytes(row: SweepRow): number {
  const twin = dnnTwin(row.model);
  const [h, w, c] = row.sentShape;
  const dnn = transmissionBits({
    model: twin,
    splitPoint: row.split,
    channels: c,
    size: [h, w],
    bitWidth: PAPER_TABLE1_BIT_WIDTH,
    width: row.width,
    stemStride: row.stemStride,
  });
  if (dnn.splitShape.join() !== row.splitShape.join()) {
    throw new Error(
      `${twin} at width ${row.width} has shape [${dnn.splitShape.join(', ')}] at ${row.split}, the sweep's ${row.model} [${row.splitShape.join(', ')}]; the comparison needs the same split shape`,
    );
  }
  return dnn.bytes;
}

/** Table 1's columns for the split points of the sweep: the configuration `configurationPerSplit` picks at each. */
export function table1Entries(results: Results): Table1Entry[] {
  return configurationPerSplit(results).map(({ split, row, choice }) => {
    const bnpp = bottleNetPPBytes(row);
    // The paper's column is ResNet-50's (the SEW variant has its shapes): beside another backbone's split point
    // of the same name it would mislead.
    const k =
      row.model === 'resnet50' || row.model === 'sew-resnet50'
        ? PAPER_TABLE1_PRINTED.splitPoints.indexOf(split as (typeof PAPER_TABLE1_PRINTED.splitPoints)[number])
        : -1;
    return {
      split,
      rowId: row.id,
      choice,
      T: row.T,
      spikeBottleNetBytes: row.bytes,
      bottleNetPPBytes: bnpp,
      bitReductionPercent: roundTo(100 * (1 - row.bytes / bnpp), 2),
      accuracyDropPercent: percent(row.drop),
      paper:
        k < 0
          ? null
          : {
              bottleNetPPBytes: PAPER_TABLE1_PRINTED.bottleNetPPBytes[k],
              spikeBottleNetBytes: PAPER_TABLE1_PRINTED.spikeBottleNetBytes[k],
              bitReductionPercent: PAPER_TABLE1_PRINTED.bitReductionPercent[k],
              accuracyDropPercent: PAPER_TABLE1_PRINTED.accuracyDropPercent[k],
              T: PAPER_TABLE1_PRINTED.timeSteps[k],
              relaxed: PAPER_TABLE1_PRINTED.relaxedThreshold[k],
            },
    };
  });
}

const CHOICE_NOTE: Record<ConfigurationChoice, string> = {
  chosen: 'within 3%',
  relaxed: 'within 4% (relaxed)',
  'least-drop': 'none within 4%: least drop',
};

/** Table 1 as table rows: ours, then the paper's printed numbers (ResNet-50, CIFAR-100) for the same split point. */
export function table1Rows(entries: readonly Table1Entry[]): Record<string, string | number>[] {
  return entries.map((e) => ({
    split: e.split,
    'ours: BottleNet++ (B)': e.bottleNetPPBytes,
    'ours: SpikeBottleNet (B)': e.spikeBottleNetBytes,
    'ours: bit reduction (%)': e.bitReductionPercent,
    'ours: accuracy drop (%)': e.accuracyDropPercent,
    'ours: T': e.T,
    'ours: choice': CHOICE_NOTE[e.choice],
    'paper: BottleNet++ (B)': e.paper?.bottleNetPPBytes ?? '',
    'paper: SpikeBottleNet (B)': e.paper?.spikeBottleNetBytes ?? '',
    'paper: bit reduction (%)': e.paper?.bitReductionPercent ?? '',
    'paper: accuracy drop (%)': e.paper === null ? '' : `${e.paper.accuracyDropPercent}${e.paper.relaxed ? '*' : ''}`,
    'paper: T': e.paper?.T ?? '',
  }));
}

/** Bytes per image at each split point: SpikeBottleNet and BottleNet++, ours and the paper's printed, log scale. */
export function table1BytesFigure(entries: readonly Table1Entry[], options: FigureText): Figure {
  if (entries.length === 0) throw new RangeError('table1BytesFigure needs at least one split point');
  const x = entries.map((e) => e.split);
  const bars = (name: string, y: (number | null)[], color: string, pattern: string): PlotlyTrace => ({
    type: 'bar',
    name,
    x,
    y,
    marker: { color, pattern: { shape: pattern } },
  });
  const data: PlotlyTrace[] = [
    bars(
      'ours: SpikeBottleNet',
      entries.map((e) => e.spikeBottleNetBytes),
      seriesColor(0),
      '',
    ),
    bars(
      'ours: BottleNet++ (same [h′, w′, c′], 8 bits)',
      entries.map((e) => e.bottleNetPPBytes),
      seriesColor(1),
      '',
    ),
  ];
  if (entries.some((e) => e.paper !== null)) {
    data.push(
      bars(
        'paper: SpikeBottleNet (printed)',
        entries.map((e) => e.paper?.spikeBottleNetBytes ?? null),
        seriesColor(0),
        '/',
      ),
      bars(
        'paper: BottleNet++ (printed)',
        entries.map((e) => e.paper?.bottleNetPPBytes ?? null),
        seriesColor(1),
        '/',
      ),
    );
  }
  const fig = figure({
    ...options,
    data,
    xaxis: { title: { text: 'split point' }, type: 'category' },
    yaxis: { title: { text: 'bytes per image' }, type: 'log' },
  });
  fig.layout.barmode = 'group';
  return fig;
}

/**
 * Accuracy against bits sent per image, one colour per split point, each with its 95% Wilson interval; the
 * selection's choices ringed, the Pareto front over all configurations drawn as a step line, and the backbone's
 * accuracy (no bottleneck) at each T dashed, its interval in the legend. Ticks name the bit counts run.
 */
export function accuracyBitsFigure(results: Results, options: FigureText): Figure {
  if (results.rows.length === 0)
    throw new RangeError(`accuracyBitsFigure: the results of preset '${results.preset}' hold no sweep rows`);
  const splits = [...new Set(results.rows.map((r) => r.split))];
  const chosenIds = new Set(results.selection.map((s) => s.chosen));
  const data: PlotlyTrace[] = splits.map((split, i) => {
    const rows = results.rows.filter((r) => r.split === split);
    return {
      type: 'scatter',
      mode: 'markers',
      name: split,
      x: rows.map((r) => r.bits),
      y: rows.map((r) => percent(r.accuracy)),
      text: rows.map((r) => r.id),
      error_y: errorBars(
        rows.map((r) => r.accuracy),
        rows.map((r) => r.accuracyEstimate),
        { scale: 100, style: { color: seriesColor(i) } },
      ),
      marker: { size: 10, color: seriesColor(i) },
    };
  });
  const chosen = results.rows.filter((r) => chosenIds.has(r.id));
  if (chosen.length > 0) {
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'chosen (drop within threshold)',
      x: chosen.map((r) => r.bits),
      y: chosen.map((r) => percent(r.accuracy)),
      text: chosen.map((r) => r.id),
      marker: { size: 18, symbol: 'circle-open', color: 'black', line: { width: 2 } },
    });
  }
  const front = paretoFront(results.rows);
  data.push({
    type: 'scatter',
    mode: 'lines',
    name: 'Pareto front',
    x: front.map((r) => r.bits),
    y: front.map((r) => percent(r.accuracy)),
    line: { shape: 'hv', color: 'black', width: 1 },
  });
  const bits = results.rows.map((r) => r.bits);
  const [lo, hi] = [Math.min(...bits) / 1.5, Math.max(...bits) * 1.5];
  Object.entries(results.backboneAccuracy).forEach(([T, b], k) => {
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: `backbone, no bottleneck, T = ${T}: ${percentWithInterval(b.accuracy, b)}%`,
      x: [lo, hi],
      y: [percent(b.accuracy), percent(b.accuracy)],
      line: { dash: k === 0 ? 'dash' : 'dot', color: seriesColor(7) },
    });
  });
  const ticks = [...new Set(bits)].sort((a, b) => a - b);
  return figure({
    ...options,
    data,
    width: 860,
    xaxis: {
      title: { text: 'bits sent per image (T h′ w′ c′), log scale' },
      type: 'log',
      tickvals: ticks,
      ticktext: ticks.map((b) => b.toLocaleString('en-US')),
      tickangle: -35,
    },
    yaxis: { title: { text: 'test accuracy (%), bars: 95% Wilson interval' } },
  });
}
