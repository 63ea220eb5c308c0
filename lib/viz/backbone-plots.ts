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
