/** What every trained model of an experiment records of the test set, in one observed pass. */
import { FiringRateMonitor } from '../snn/monitor';
import { encodeCorrectness, type Correctness } from '../stats/correctness';
import { evaluate, type LogitModel } from '../train/evaluate';
import type { LabelledSource } from '../train/source';

export interface TestMeasurement {
  accuracy: number;
  /** Per test image, in the test set's order: correct or not. */
  correct: Correctness;
  /** Spikes / (neurons x T) of every spike layer over the test set. */
  firingRates: Record<string, number>;
}

/** Test accuracy, per-image correctness and firing rates of a model in inference, over the test set in one observed pass. */
export function measureTestSet(model: LogitModel, test: LabelledSource, batchSize: number): TestMeasurement {
  const monitor = new FiringRateMonitor();
  try {
    const { accuracy, correct } = evaluate(model, test, batchSize, { observer: monitor });
    return {
      accuracy,
      correct: encodeCorrectness(correct),
      firingRates: Object.fromEntries(monitor.read().map((r) => [r.name, r.rate])),
    };
  } finally {
    monitor.clear();
  }
}
