/**
 * The energy table from a model's own firing rates, in one call: attach a firing-rate monitor, run the device
 * part (through the last split point) on a batch of real images, and build the SNN energy report from the
 * measured per-layer rates.
 *
 *   const report = energyTable(model, images, { hardware: 'rolls', T: 4 });   // images [B, H, W, C]
 */
import * as tf from '@tensorflow/tfjs-core';
import { SplittableModel } from '../models/backbone';
import { FiringRateMonitor } from '../snn/monitor';
import { firingRatesFromMonitor } from './firing-rates';
import { energyReport, EnergyOptions, EnergyReport } from './report';

export type EnergyTableOptions = Omit<EnergyOptions, 'network' | 'firingRates'>;

/** `images`: what the model's encoder takes (`[B, H, W, C]` images, or `[T*B, H, W, C]` event frames). */
export function energyTable(model: SplittableModel, images: tf.Tensor, options: EnergyTableOptions): EnergyReport {
  if (!model.spiking)
    throw new RangeError(
      `energyTable measures firing rates, and '${model.name}' is not spiking; expected a spiking model (for a DNN use energyReport with network 'dnn')`,
    );
  const monitor = new FiringRateMonitor();
  try {
    const last = model.splitPoints[model.splitPoints.length - 1];
    tf.dispose(model.forwardTo(images, last, { T: options.T, observer: monitor }));
    return energyReport(model, { ...options, network: 'snn', firingRates: firingRatesFromMonitor(monitor.read()) });
  } finally {
    monitor.clear();
  }
}
