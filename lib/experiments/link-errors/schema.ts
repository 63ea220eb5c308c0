/**
 * The link study's declaration and results (`runs/<preset>/link-errors.json`): what a preset's `linkErrors`
 * section gives, the receivers' policies, and the points measured per split point. `run.ts` says how it runs.
 */
import * as path from 'path';
import type { CorruptFramePolicy } from '../../bottleneck/noisy-link';
import { readJsonArtefactIfPresent } from '../../util/artefact';
import { runsDir } from '../paths';
import { readableRunFile } from '../published';
import type { Provenance } from '../provenance';
import type { ConfigurationChoice } from './configuration';

/** What the link study runs: a preset's `linkErrors` section. */
export interface LinkErrorConfig {
  /** Bit-error rates, each run with both policies; include 0 for the clean point. */
  bitErrorRates: number[];
  /** Frame-loss probabilities; include 0 for the clean point. */
  frameLossRates: number[];
  /** Test images used (evenly spaced over the preset's test set), or null for all of them. */
  testImages: number | null;
  batchSize: number;
  seed: number;
}

/** What each receiver does with a damaged frame, as written into the results. */
export const LINK_POLICY_DESCRIPTIONS: Record<CorruptFramePolicy | 'frame-loss', string> = {
  erase:
    'bit errors anywhere in the frame; a frame failing its CRC or header checks is erased and the server runs on all-zero spikes',
  'ignore-crc':
    'bit errors in the payload only (header intact), CRC not checked; the server runs on the damaged spikes',
  'frame-loss': 'each frame lost whole with the given probability; the server runs on all-zero spikes in its place',
};

export interface LinkErrorPoint {
  channel: 'bit-errors' | 'frame-loss';
  /** The receiver's policy for bit errors; null for frame loss. */
  policy: CorruptFramePolicy | null;
  /** Bit-error rate or frame-loss probability. */
  rate: number;
  accuracy: number;
  /** Frames the server could not use (erased or lost), of `LinkErrorSplit.frames`. */
  lostFrames: number;
  /** Bits flipped per frame on average (for 'ignore-crc', among the payload's spike bits only). */
  flippedBitsPerFrame: number;
}

export interface LinkErrorSplit {
  split: string;
  rowId: string;
  choice: ConfigurationChoice;
  T: number;
  sentShape: [number, number, number];
  /** Bytes of one image's frame: header, CRC and packed payload. */
  frameBytes: number;
  /** Frames sent per condition: one per test image. */
  frames: number;
  /** The sweep row's accuracy (whole test set) and its backbone's, for comparison with the clean points. */
  sweepAccuracy: number;
  baselineAccuracy: number;
  points: LinkErrorPoint[];
  wallSeconds: number;
}

export interface LinkErrors extends Provenance {
  config: LinkErrorConfig;
  policies: typeof LINK_POLICY_DESCRIPTIONS;
  data: string;
  testImages: number;
  splits: LinkErrorSplit[];
}

export const linkErrorsFile = (preset: string) => path.join(runsDir(preset), 'link-errors.json');

/** The link study of a preset as last written, or null. */
export function readLinkErrors(preset: string): LinkErrors | null {
  return readJsonArtefactIfPresent<LinkErrors>(readableRunFile(preset, linkErrorsFile(preset)));
}

export function checkLinkErrorConfig(config: LinkErrorConfig): void {
  for (const key of ['bitErrorRates', 'frameLossRates'] as const) {
    const bad = config[key].filter((r) => !(r >= 0 && r <= 1));
    if (config[key].length === 0 || bad.length > 0)
      throw new RangeError(
        `link errors: ${key} must be a non-empty list of probabilities in [0, 1]; got [${config[key].join(', ')}]`,
      );
  }
  if (config.testImages !== null && !(Number.isInteger(config.testImages) && config.testImages >= 1)) {
    throw new RangeError(`link errors: testImages must be a positive integer or null; got ${config.testImages}`);
  }
  if (!(Number.isInteger(config.batchSize) && config.batchSize >= 1))
    throw new RangeError(`link errors: batchSize must be a positive integer; got ${config.batchSize}`);
}
