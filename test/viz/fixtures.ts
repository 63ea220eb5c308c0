/**
 * Hand-made results for the builders' tests: numbers small enough to check by hand. Every accuracy is over the same
 * 200 test images, and a model with accuracy a is right on exactly the first 200 a of them (so a row's correct
 * images are a subset of the backbone's: its drop has no image it gets right that the backbone gets wrong).
 */
import {
  accuracyEstimate,
  encodeCorrectness,
  rowUncertainty,
  selectPerSplit,
  type BackboneSummary,
  type LinkErrors,
  type ResultRow,
  type Results,
  type SweepRow,
} from 'spikesplit';

export const TEST_IMAGES = 200;

/** Right on the first round(200 accuracy) test images. */
export function firstCorrect(accuracy: number): Uint8Array {
  const k = Math.round(accuracy * TEST_IMAGES);
  return Uint8Array.from({ length: TEST_IMAGES }, (_, i) => (i < k ? 1 : 0));
}

const provenance = { preset: 'tiny', backend: 'cpu', seed: 1, gitRevision: 'abc123', date: '2026-01-01T00:00:00.000Z' };

/** A sweep row of the 1/16-width spiking ResNet-50 (RB3 is [32, 32, 16] there, RB16 [4, 4, 128]). */
export function sweepRow(id: string, fields: { bits: number; accuracy: number; baselineAccuracy?: number }): SweepRow {
  const [split, shape, steps] = id.split('-');
  const sentShape = shape.split('x').map(Number) as [number, number, number];
  const T = Number(steps.slice(1));
  const baselineAccuracy = fields.baselineAccuracy ?? 0.62;
  return {
    ...provenance,
    id,
    split,
    compression: { channelDivisor: 1, spatialDivisor: 1 },
    T,
    sentShape,
    splitShape: split === 'RB3' ? [32, 32, 16] : [4, 4, 128],
    model: 'resnet50',
    width: 1 / 16,
    stemStride: 1,
    data: 'hand-made',
    bits: fields.bits,
    bytes: Math.ceil(fields.bits / 8),
    compressionRatio: 1,
    accuracy: fields.accuracy,
    baselineAccuracy,
    drop: baselineAccuracy - fields.accuracy,
    correct: encodeCorrectness(firstCorrect(fields.accuracy)),
    firingRates: {},
    history: [],
    wallSeconds: 10,
  };
}

export const BACKBONE: BackboneSummary = {
  ...provenance,
  model: { name: 'resnet50', width: 1 / 16, T: 2, classes: 10 },
  data: 'hand-made data',
  history: [
    {
      epoch: 1,
      lr: 0.1,
      trainLoss: 2.2,
      trainAccuracy: 0.2,
      testLoss: 2.1,
      testAccuracy: 0.25,
      testCount: TEST_IMAGES,
      seconds: 60,
      imagesPerSecond: 10,
    },
    {
      epoch: 2,
      lr: 0.05,
      trainLoss: 1.8,
      trainAccuracy: 0.4,
      testLoss: 1.9,
      testAccuracy: 0.45,
      testCount: TEST_IMAGES,
      seconds: 40,
      imagesPerSecond: 12,
    },
  ],
  accuracyByT: { '2': 0.62, '4': 0.66 },
  correctByT: { '2': encodeCorrectness(firstCorrect(0.62)), '4': encodeCorrectness(firstCorrect(0.66)) },
  trainSeconds: 100,
  replicas: 1,
};

const SWEEP_ROWS = [
  sweepRow('RB3-32x32x4-T2', { bits: 8192, accuracy: 0.57 }), // drop 5%
  sweepRow('RB3-16x16x1-T2', { bits: 512, accuracy: 0.5 }), // drop 12%
  sweepRow('RB16-4x4x32-T2', { bits: 1024, accuracy: 0.575 }), // drop 4.5%
  sweepRow('RB16-2x2x8-T2', { bits: 64, accuracy: 0.585 }), // drop 3.5%
  sweepRow('RB16-4x4x32-T4', { bits: 2048, accuracy: 0.61, baselineAccuracy: 0.66 }), // drop 5%
];

/**
 * By the selection rule (3%, relaxed 4%): no configuration at RB3 (the least drop is RB3-32x32x4-T2), and
 * RB16-2x2x8-T2 at RB16 under the relaxed threshold. Pareto front: RB16-2x2x8-T2 (64 bits), RB16-4x4x32-T4 (2048).
 */
const ROWS: ResultRow[] = SWEEP_ROWS.map((r) => ({
  ...r,
  ...rowUncertainty(BACKBONE.correctByT[r.T], r.correct, { baseline: 'backbone', row: r.id }, 1),
}));

export const RESULTS: Results = {
  preset: 'tiny',
  backbone: BACKBONE,
  backboneAccuracy: { '2': accuracyEstimate(firstCorrect(0.62)), '4': accuracyEstimate(firstCorrect(0.66)) },
  rows: ROWS,
  selectionRule: { threshold: 0.03, relaxedThreshold: 0.04 },
  selection: selectPerSplit(ROWS, 0.03, 0.04),
  missing: [],
};

export const LINK_ERRORS: LinkErrors = {
  ...provenance,
  config: { bitErrorRates: [0, 1e-3, 1e-2], frameLossRates: [0, 0.5], testImages: null, batchSize: 2, seed: 7 },
  policies: { erase: 'e', 'ignore-crc': 'i', 'frame-loss': 'f' },
  data: 'hand-made data; 4 test images',
  testImages: 4,
  splits: [
    {
      split: 'RB16',
      rowId: 'RB16-2x2x8-T2',
      choice: 'relaxed',
      T: 2,
      sentShape: [2, 2, 8],
      frameBytes: 48,
      frames: 4,
      sweepAccuracy: 0.585,
      baselineAccuracy: 0.62,
      wallSeconds: 3,
      points: [
        { channel: 'bit-errors', policy: 'erase', rate: 0, accuracy: 0.75, lostFrames: 0, flippedBitsPerFrame: 0 },
        { channel: 'bit-errors', policy: 'erase', rate: 1e-2, accuracy: 0.25, lostFrames: 3, flippedBitsPerFrame: 4 },
        { channel: 'bit-errors', policy: 'erase', rate: 1e-3, accuracy: 0.5, lostFrames: 1, flippedBitsPerFrame: 0.5 },
        { channel: 'bit-errors', policy: 'ignore-crc', rate: 0, accuracy: 0.75, lostFrames: 0, flippedBitsPerFrame: 0 },
        {
          channel: 'bit-errors',
          policy: 'ignore-crc',
          rate: 1e-3,
          accuracy: 0.75,
          lostFrames: 0,
          flippedBitsPerFrame: 0.25,
        },
        {
          channel: 'bit-errors',
          policy: 'ignore-crc',
          rate: 1e-2,
          accuracy: 0.5,
          lostFrames: 0,
          flippedBitsPerFrame: 1,
        },
        { channel: 'frame-loss', policy: null, rate: 0.5, accuracy: 0.25, lostFrames: 2, flippedBitsPerFrame: 0 },
        { channel: 'frame-loss', policy: null, rate: 0, accuracy: 0.75, lostFrames: 0, flippedBitsPerFrame: 0 },
      ],
    },
  ],
};
