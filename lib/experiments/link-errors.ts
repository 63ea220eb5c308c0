/**
 * Step 3, the link: accuracy of the sweep's configuration at each split point when what the device sends
 * crosses a noisy link. Every test image is one frame (`encodeFrame`, packed: one bit per spike, with header and
 * CRC-32), sent over a binary symmetric channel or lost whole, and the server classifies what arrives:
 *
 *   bit errors, policy 'erase'       every bit of the frame flips with the bit-error rate; a frame that fails its
 *                                    checks (nearly any flip breaks the CRC) is dropped, and the server runs on
 *                                    all-zero spikes in its place (what `erasedFrame` substitutes);
 *   bit errors, policy 'ignore-crc'  only the payload's bits flip, the header arrives intact, the CRC is not
 *                                    checked: the server runs on the damaged spikes;
 *   frame loss                       each frame is lost with a probability (`dropFrames`), and the server runs on
 *                                    all-zero spikes in its place.
 *
 * At rate 0 every channel delivers the frame as sent: those points are one measurement, the clean accuracy of
 * the same images. The model of a split point is its sweep row's fine-tuned checkpoint. Written to
 * `runs/<preset>/link-errors.json` atomically; a run finds it there and skips.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { insertBottleneck } from '../bottleneck/bottlenecked-model';
import { serverForward } from '../bottleneck/feature-frame';
import { CORRUPT_FRAME_POLICIES, sendOverNoisyLink, type CorruptFramePolicy } from '../bottleneck/noisy-link';
import { split as splitModel } from '../bottleneck/partition';
import { dropFrames } from '../codec/channel';
import { decodeFrame, encodeFrame, type DecodedFrame, type FrameMeta } from '../codec/frame';
import { loadWeights } from '../models/weights';
import { deinterleaveSample, interleaveSample } from '../snn/time';
import { readCheckpoint } from '../train/checkpoint';
import { correctCount } from '../train/evaluate';
import type { LabelledSource } from '../train/source';
import { writeJsonAtomic } from '../util/atomic';
import { Rng } from '../util/rng';
import { loadBackbone } from './backbone';
import { presetData } from './data';
import { runsDir, sweepRowDir } from './paths';
import { readableRunFile } from './published';
import type { Preset, PresetName } from './preset';
import { provenance, type Provenance } from './provenance';
import { collectResults, type Results } from './results';
import type { SweepRow } from './sweep';
import { readJsonArtefactIfPresent } from '../util/artefact';

/** What the link study runs, per preset. */
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

const RATES = { bitErrorRates: [0, 1e-5, 1e-4, 1e-3, 1e-2, 3e-2, 1e-1], frameLossRates: [0, 0.05, 0.1, 0.2, 0.4] };

export const LINK_ERROR_CONFIGS: Record<PresetName, LinkErrorConfig> = {
  tiny: { ...RATES, testImages: null, batchSize: 25, seed: 7 },
  cpu: { ...RATES, testImages: 300, batchSize: 50, seed: 7 }, // per split point of the sweep, 17 server passes of 300 images (the rate-0 points are one): minutes
  paper: { ...RATES, testImages: null, batchSize: 100, seed: 7 },
};

/** What each receiver does with a damaged frame, as written into the results. */
export const LINK_POLICY_DESCRIPTIONS: Record<CorruptFramePolicy | 'frame-loss', string> = {
  erase:
    'bit errors anywhere in the frame; a frame failing its CRC or header checks is erased and the server runs on all-zero spikes',
  'ignore-crc':
    'bit errors in the payload only (header intact), CRC not checked; the server runs on the damaged spikes',
  'frame-loss': 'each frame lost whole with the given probability; the server runs on all-zero spikes in its place',
};

/**
 * How a split point's configuration was picked: by the selection rule (within 3%, or the relaxed 4%), or, where
 * no configuration is within the relaxed threshold, the one with the smallest accuracy drop (fewest bits on a tie).
 */
export type ConfigurationChoice = 'chosen' | 'relaxed' | 'least-drop';

export interface SplitConfiguration {
  split: string;
  row: SweepRow;
  choice: ConfigurationChoice;
}

/** One sweep row per split point, in the sweep's order: the selection rule's choice, else the least drop. */
export function configurationPerSplit(results: Results): SplitConfiguration[] {
  return results.selection.map(({ split, chosen, relaxed }) => {
    const rows = results.rows.filter((r) => r.split === split);
    const picked = rows.find((r) => r.id === chosen);
    if (picked) return { split, row: picked, choice: relaxed ? 'relaxed' : 'chosen' };
    const least = [...rows].sort((a, b) => a.drop - b.drop || a.bits - b.bits)[0];
    return { split, row: least, choice: 'least-drop' };
  });
}

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

/** One channel condition of the study. */
interface Condition {
  channel: LinkErrorPoint['channel'];
  policy: CorruptFramePolicy | null;
  rate: number;
}

function conditions(config: LinkErrorConfig): Condition[] {
  const ber = CORRUPT_FRAME_POLICIES.flatMap((policy) =>
    config.bitErrorRates.map((rate): Condition => ({ channel: 'bit-errors', policy, rate })),
  );
  const loss = config.frameLossRates.map((rate): Condition => ({ channel: 'frame-loss', policy: null, rate }));
  return [...ber, ...loss];
}

function checkConfig(config: LinkErrorConfig): void {
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

/** `count` indices spread evenly over [0, total). */
function evenlySpaced(total: number, count: number | null): number[] {
  const n = count === null ? total : Math.min(count, total);
  return Array.from({ length: n }, (_, i) => Math.floor((i * total) / n));
}

/**
 * The spikes of B per-image frames `[T, h', w', c']` as one decoded frame `[T*B, h', w', c']`, time-major; an
 * image whose frame did not arrive (null) is all zeros, as `erasedFrame` substitutes.
 */
function batchFrame(images: (Uint8Array | null)[], T: number, meta: FrameMeta): DecodedFrame {
  const B = images.length;
  const perStep = meta.shape.slice(1).reduce((a, b) => a * b, 1);
  const spikes = new Uint8Array(T * B * perStep);
  images.forEach((image, b) => {
    if (image !== null) interleaveSample(spikes, image, b, B, T);
  });
  return { spikes, meta: { ...meta, shape: [T * B, ...meta.shape.slice(1)] } };
}

/** The weights a sweep row finished fine-tuning with: its last checkpoint. */
function rowWeightsFile(preset: Preset, row: SweepRow): string {
  const dir = sweepRowDir(preset.name, row.id);
  const state = readCheckpoint(dir);
  if (state === null || state.epochs !== preset.finetune.epochs) {
    throw new Error(
      `sweep row '${row.id}' of preset '${preset.name}' has ${state ? `a checkpoint after epoch ${state.epochs}` : 'no checkpoint'} in ${dir}; expected its final one (epoch ${preset.finetune.epochs})`,
    );
  }
  return path.join(dir, 'checkpoint', state.weights); // checkpoint.ts keeps the files in <runDir>/checkpoint/
}

async function studySplit(
  preset: Preset,
  config: LinkErrorConfig,
  picked: SplitConfiguration,
  test: LabelledSource,
  classes: number,
  indices: number[],
  log: (l: string) => void,
): Promise<LinkErrorSplit> {
  const t0 = Date.now();
  const { row } = picked;
  const [h, w, c] = row.sentShape;
  const backbone = loadBackbone(preset, classes, row.T);
  const model = insertBottleneck(backbone, row.split, { channels: c, size: [h, w] }, { seed: preset.finetune.seed });
  try {
    loadWeights(model, rowWeightsFile(preset, row));
    const { device, server } = splitModel(model, row.split);
    const meta: FrameMeta = { splitPoint: row.split, T: row.T, shape: [row.T, h, w, c], coding: 'packed' };
    const all = conditions(config);
    const tally = all.map(() => ({ correct: 0, lost: 0, flipped: 0 }));
    const splitIndex = preset.sweep.splitPoints.indexOf(row.split);
    const rngs = all.map((_, k) => new Rng(config.seed * 1_000_003 + splitIndex * 1_009 + k));
    let frameBytes = 0;
    for (let start = 0; start < indices.length; start += config.batchSize) {
      const batch = indices.slice(start, start + config.batchSize);
      const B = batch.length;
      const { x, labels } = test.batch(batch);
      const frames: Uint8Array[] = [];
      try {
        const sent = device.forward(x); // spikes [T*B, h', w', c']
        const values = sent.dataSync();
        sent.dispose();
        for (let b = 0; b < B; b++) {
          const image = deinterleaveSample(values, new Uint8Array(row.T * h * w * c), b, B, row.T);
          frames.push(encodeFrame(image, meta));
        }
        frameBytes = frames[0].length;
        const correctOn = (received: (Uint8Array | null)[]) =>
          tf.tidy(() => correctCount(serverForward(server, batchFrame(received, row.T, meta)), labels));
        const clean = correctOn(frames.map((f) => decodeFrame(f).spikes)); // every channel at rate 0
        all.forEach((cond, k) => {
          if (cond.rate === 0) {
            tally[k].correct += clean;
            return;
          }
          let received: (Uint8Array | null)[];
          if (cond.channel === 'frame-loss') {
            received = dropFrames(frames, cond.rate, rngs[k]).map((f) => (f === null ? null : decodeFrame(f).spikes));
          } else {
            received = frames.map((f) => {
              const r = sendOverNoisyLink(f, { bitErrorRate: cond.rate, rng: rngs[k], policy: cond.policy! });
              tally[k].flipped += r.flippedBits;
              return r.received?.spikes ?? null;
            });
          }
          tally[k].lost += received.filter((r) => r === null).length;
          tally[k].correct += correctOn(received);
        });
      } finally {
        tf.dispose([x, labels]);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const points = all.map((cond, k): LinkErrorPoint => ({
      ...cond,
      accuracy: tally[k].correct / indices.length,
      lostFrames: tally[k].lost,
      flippedBitsPerFrame: tally[k].flipped / indices.length,
    }));
    const clean = points.find((p) => p.rate === 0);
    log(
      `link errors ${row.id}: ${indices.length} frames of ${frameBytes} bytes, clean accuracy ${clean ? `${(100 * clean.accuracy).toFixed(2)}%` : 'not measured'} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    );
    return {
      split: row.split,
      rowId: row.id,
      choice: picked.choice,
      T: row.T,
      sentShape: row.sentShape,
      frameBytes,
      frames: indices.length,
      sweepAccuracy: row.accuracy,
      baselineAccuracy: row.baselineAccuracy,
      points,
      wallSeconds: (Date.now() - t0) / 1000,
    };
  } finally {
    model.dispose();
    backbone.dispose();
  }
}

/**
 * Runs the link study for the preset's finished sweep (or returns the one already written). Throws, naming the
 * rows, when the sweep is not finished.
 */
export async function runLinkErrors(
  preset: Preset,
  options: { config?: LinkErrorConfig; log?: (line: string) => void } = {},
): Promise<LinkErrors> {
  const done = readJsonArtefactIfPresent<LinkErrors>(linkErrorsFile(preset.name)); // this run's own, never the published one
  if (done) return done;
  const config = options.config ?? LINK_ERROR_CONFIGS[preset.name];
  checkConfig(config);
  const log = options.log ?? ((l: string) => console.error(l));
  const results = collectResults(preset);
  if (results.missing.length > 0 || results.rows.length === 0) {
    throw new Error(
      `the link study needs the finished sweep of preset '${preset.name}'; not run yet: ${results.missing.join(', ') || 'every row'}. Run 'spikesplit sweep --preset ${preset.name}' first`,
    );
  }
  const data = await presetData(preset);
  const indices = evenlySpaced(data.test.count, config.testImages);
  const splits: LinkErrorSplit[] = [];
  for (const picked of configurationPerSplit(results)) {
    splits.push(await studySplit(preset, config, picked, data.test, data.classes, indices, log));
  }
  const study: LinkErrors = {
    ...provenance(preset.name, config.seed),
    config,
    policies: LINK_POLICY_DESCRIPTIONS,
    data: `${data.description}; ${indices.length} test images${indices.length < data.test.count ? ', evenly spaced' : ''}`,
    testImages: indices.length,
    splits,
  };
  writeJsonAtomic(linkErrorsFile(preset.name), study);
  return study;
}
