/**
 * The pretrained backbone: learning curves from its training history, and its accuracy by time steps beside the
 * paper's (the analogue of SpikeBottleNet's Table 2).
 */
import type { EpochRecord } from '../train/trainer';
import { figure, type Figure } from './figure';
import { percent, percentWithInterval } from './format';
import { errorBars } from './error-bars';
import { wilsonInterval } from '../stats/wilson';
import type { AccuracyEstimate } from '../stats/correctness';
import { seriesColor } from './palette';
import type { FigureText } from './figure-text';
import type { BackboneSummary } from '../experiments/backbone';

/**
 * Train and test loss, or accuracy (%), per epoch. The test accuracy carries its 95% Wilson interval over the
 * test images; the train accuracy is the running mean over an epoch of a changing model, so it has none.
 */
export function learningCurveFigure(
  history: readonly EpochRecord[],
  options: FigureText & { metric: 'loss' | 'accuracy' },
): Figure {
  if (history.length === 0)
    throw new RangeError('learningCurveFigure: the training history is empty; expected at least one epoch');
  const epochs = history.map((r) => r.epoch);
  const value = (r: EpochRecord, split: 'train' | 'test') =>
    options.metric === 'loss'
      ? split === 'train'
        ? r.trainLoss
        : r.testLoss
      : percent(split === 'train' ? r.trainAccuracy : r.testAccuracy);
  const testBars = () => {
    const intervals = history.map((r) => {
      if (!Number.isInteger(r.testCount))
        throw new RangeError(
          `learningCurveFigure: epoch ${r.epoch} has no testCount (test images), which its interval needs; rerun its training`,
        );
      return wilsonInterval(Math.round(r.testAccuracy * r.testCount), r.testCount);
    });
    return {
      error_y: errorBars(
        history.map((r) => r.testAccuracy),
        intervals,
        { scale: 100, style: { color: seriesColor(1) } },
      ),
    };
  };
  return figure({
    ...options,
    data: (['train', 'test'] as const).map((split, i) => ({
      type: 'scatter',
      mode: 'lines+markers',
      name: split === 'test' && options.metric === 'accuracy' ? 'test (bars: 95% Wilson interval)' : split,
      x: epochs,
      y: history.map((r) => value(r, split)),
      line: { color: seriesColor(i) },
      ...(split === 'test' && options.metric === 'accuracy' ? testBars() : {}),
    })),
    xaxis: { title: { text: 'epoch' }, dtick: history.length <= 20 ? 1 : undefined },
    yaxis: { title: { text: options.metric === 'loss' ? 'cross-entropy loss (nats)' : 'accuracy (%)' } },
  });
}

/** What the pretrained backbone is and how it was trained: one row per item. */
export function backboneSummaryRows(backbone: BackboneSummary): { item: string; value: string }[] {
  const m = backbone.model;
  return [
    { item: 'model', value: `spiking ${m.name}, width ${m.width}, ${m.classes} classes, trained at T = ${m.T}` },
    { item: 'data', value: backbone.data },
    { item: 'epochs', value: String(backbone.history.length) },
    { item: 'training time', value: `${backbone.trainSeconds.toFixed(0)} s` },
    { item: 'backend', value: backbone.backend },
    { item: 'seed', value: String(backbone.seed) },
    { item: 'git revision', value: backbone.gitRevision },
    { item: 'trained on', value: backbone.date },
  ];
}

/** SpikeBottleNet's Table 2 as printed: the spiking ResNet-50's accuracy on CIFAR-100 by T. */
export const PAPER_TABLE2_PRINTED: readonly PrintedAccuracy[] = [
  { T: 4, accuracyPercent: 76.81 },
  { T: 2, accuracyPercent: 74.69 },
];

/** A printed accuracy of the paper at T steps, in percent. */
export interface PrintedAccuracy {
  T: number;
  accuracyPercent: number;
}

/** One row per T of either: our test accuracy with its 95% Wilson interval (as `Results.backboneAccuracy`) and the paper's printed one. */
export function table2Rows(
  ours: Readonly<Record<string, AccuracyEstimate>>,
  paper: readonly PrintedAccuracy[],
): Record<string, string | number>[] {
  const steps = [...new Set([...Object.keys(ours).map(Number), ...paper.map((p) => p.T)])].sort((a, b) => a - b);
  return steps.map((T) => {
    const mine = ours[String(T)];
    const printed = paper.find((p) => p.T === T);
    return {
      T,
      'ours: test accuracy % [95% CI]':
        mine === undefined ? 'not evaluated at this preset' : percentWithInterval(mine.accuracy, mine),
      'paper: accuracy (%)': printed === undefined ? 'not reported' : printed.accuracyPercent,
    };
  });
}
