/** What the testbed runs: a preset's `testbed` section, and its checks. */
import type { ExitConfidence } from '../../neucodex/early-exit';

export interface TestbedConfig {
  /** The images: those the NeuCODEX models were trained on (its preset section's data set and source). */
  data: { dataset: 'cifar10' | 'cifar100'; source: 'auto' | 'sample' };
  /** Requests per mode and bandwidth, one image each. */
  requests: number;
  bandwidthsMbps: number[];
  /** One-way propagation delay of the link, each direction. */
  latencyMs: number;
  /** The edge device is this many times slower than this machine. */
  slowdown: number;
  confidence: ExitConfidence;
  /** Exit thresholds tried, in [0, 1]; 1 (never exit early) is always among them. */
  thresholds: number[];
  /** Largest accuracy drop (fraction) early exit may cost on the calibration images. */
  maxAccuracyDrop: number;
  /** Training images the threshold is chosen on. */
  calibrationImages: number;
  seed: number;
}

export function checkTestbedConfig(config: TestbedConfig): void {
  const bad = (field: string, expected: string, got: unknown) =>
    new RangeError(`testbed config ${field} is ${JSON.stringify(got)}; expected ${expected}`);
  if (!(Number.isInteger(config.requests) && config.requests >= 1))
    throw bad('requests', 'an integer >= 1', config.requests);
  if (config.bandwidthsMbps.length === 0 || !config.bandwidthsMbps.every((b) => b > 0 && Number.isFinite(b)))
    throw bad('bandwidthsMbps', 'finite Mbit/s values > 0', config.bandwidthsMbps);
  if (!(config.latencyMs >= 0)) throw bad('latencyMs', 'a number >= 0', config.latencyMs);
  if (!(config.slowdown >= 1)) throw bad('slowdown', 'a factor >= 1', config.slowdown);
  if (!config.thresholds.includes(1) || !config.thresholds.every((t) => t >= 0 && t <= 1))
    throw bad('thresholds', 'values in [0, 1] including 1', config.thresholds);
  if (!(config.maxAccuracyDrop >= 0 && config.maxAccuracyDrop < 1))
    throw bad('maxAccuracyDrop', 'a fraction in [0, 1)', config.maxAccuracyDrop);
  if (!(Number.isInteger(config.calibrationImages) && config.calibrationImages >= 1))
    throw bad('calibrationImages', 'an integer >= 1', config.calibrationImages);
}
