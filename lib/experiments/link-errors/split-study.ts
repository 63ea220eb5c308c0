/**
 * The link study at one split point: its sweep row's fine-tuned model, split into device and server; each batch
 * of test images becomes one packed frame per image, sent under every channel condition, and the server
 * classifies what arrives. Rate-0 conditions share one clean pass.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { insertBottleneck, type BottleneckedModel } from '../../bottleneck/bottlenecked-model';
import { serverForward } from '../../bottleneck/feature-frame';
import { split as splitModel, type DevicePart, type ServerPart } from '../../bottleneck/partition';
import { decodeFrame, encodeFrame, type FrameMeta } from '../../codec/frame';
import type { SplitBackbone } from '../../models/backbone';
import { loadWeights } from '../../models/weights';
import { deinterleaveSample } from '../../snn/time';
import { readCheckpoint } from '../../train/checkpoint';
import { correctCount } from '../../train/evaluate';
import type { LabelledSource } from '../../train/source';
import { Rng } from '../../util/rng';
import { loadBackbone } from '../backbone';
import { sweepRowDir } from '../paths';
import type { Preset } from '../preset';
import type { SweepRow } from '../sweep';
import { batchFrame, conditions, receive, type Condition, type Tally } from './channel';
import type { SplitConfiguration } from './configuration';
import type { LinkErrorConfig, LinkErrorPoint, LinkErrorSplit } from './schema';

/** The weights a sweep row finished fine-tuning with: its last checkpoint. */
function rowWeightsFile(preset: Preset, row: SweepRow): string {
  const dir = sweepRowDir(preset.name, row.id);
  const state = readCheckpoint(dir);
  if (state === null || state.epochs !== preset.finetune.epochs) {
    const has = state ? `a checkpoint after epoch ${state.epochs}` : 'no checkpoint';
    throw new Error(
      `sweep row '${row.id}' of preset '${preset.name}' has ${has} in ${dir}; ` +
        `expected its final one (epoch ${preset.finetune.epochs})`,
    );
  }
  return path.join(dir, 'checkpoint', state.weights); // checkpoint.ts keeps the files in <runDir>/checkpoint/
}

/** The row's model with its fine-tuned weights, and its device and server halves. */
interface RowModel {
  backbone: SplitBackbone;
  model: BottleneckedModel;
  parts: { device: DevicePart; server: ServerPart };
  meta: FrameMeta;
}

function loadRowModel(preset: Preset, row: SweepRow, classes: number): RowModel {
  const [h, w, c] = row.sentShape;
  const backbone = loadBackbone(preset, classes, row.T);
  const model = insertBottleneck(backbone, row.split, { channels: c, size: [h, w] }, { seed: preset.finetune.seed });
  try {
    loadWeights(model, rowWeightsFile(preset, row));
    const meta: FrameMeta = { splitPoint: row.split, T: row.T, shape: [row.T, h, w, c], coding: 'packed' };
    return { backbone, model, parts: splitModel(model, row.split), meta };
  } catch (err) {
    model.dispose();
    backbone.dispose();
    throw err;
  }
}

/** The device's spikes for a batch `x` as one encoded frame `[T, h', w', c']` per image. */
function deviceFrames(rowModel: RowModel, x: tf.Tensor, B: number): Uint8Array[] {
  const { meta } = rowModel;
  const [T, h, w, c] = meta.shape;
  const sent = rowModel.parts.device.forward(x); // spikes [T*B, h', w', c']
  const values = sent.dataSync();
  sent.dispose();
  return Array.from({ length: B }, (_, b) =>
    encodeFrame(deinterleaveSample(values, new Uint8Array(T * h * w * c), b, B, T), meta),
  );
}

/** One batch under every condition, added to the tallies; returns the bytes of one frame. */
function tallyBatch(
  rowModel: RowModel,
  batch: { x: tf.Tensor; labels: tf.Tensor1D },
  all: Condition[],
  rngs: Rng[],
  tally: Tally[],
): number {
  const { meta } = rowModel;
  const frames = deviceFrames(rowModel, batch.x, batch.labels.shape[0]);
  const correctOn = (received: (Uint8Array | null)[]) =>
    tf.tidy(() => correctCount(serverForward(rowModel.parts.server, batchFrame(received, meta.T, meta)), batch.labels));
  const clean = correctOn(frames.map((f) => decodeFrame(f).spikes)); // every channel at rate 0
  all.forEach((cond, k) => {
    if (cond.rate === 0) {
      tally[k].correct += clean;
      return;
    }
    const received = receive(frames, cond, rngs[k], tally[k]);
    tally[k].lost += received.filter((r) => r === null).length;
    tally[k].correct += correctOn(received);
  });
  return frames[0].length;
}

/** The tallies of every condition over the test images `indices`, and the bytes of one frame. */
async function tallyConditions(
  rowModel: RowModel,
  rngSeed: (k: number) => number,
  config: LinkErrorConfig,
  test: LabelledSource,
  indices: number[],
): Promise<{ all: Condition[]; tally: Tally[]; frameBytes: number }> {
  const all = conditions(config);
  const tally = all.map((): Tally => ({ correct: 0, lost: 0, flipped: 0 }));
  const rngs = all.map((_, k) => new Rng(rngSeed(k)));
  let frameBytes = 0;
  for (let start = 0; start < indices.length; start += config.batchSize) {
    const batch = test.batch(indices.slice(start, start + config.batchSize));
    try {
      frameBytes = tallyBatch(rowModel, batch, all, rngs, tally);
    } finally {
      tf.dispose([batch.x, batch.labels]);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { all, tally, frameBytes };
}

/** The study of one split point's configuration over the test images `indices`. */
export async function studySplit(
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
  const rowModel = loadRowModel(preset, row, classes);
  try {
    const splitIndex = preset.sweep.splitPoints.indexOf(row.split);
    const seedOf = (k: number) => config.seed * 1_000_003 + splitIndex * 1_009 + k;
    const { all, tally, frameBytes } = await tallyConditions(rowModel, seedOf, config, test, indices);
    const points = all.map((cond, k): LinkErrorPoint => ({
      ...cond,
      accuracy: tally[k].correct / indices.length,
      lostFrames: tally[k].lost,
      flippedBitsPerFrame: tally[k].flipped / indices.length,
    }));
    const clean = points.find((p) => p.rate === 0);
    const cleanText = clean ? `${(100 * clean.accuracy).toFixed(2)}%` : 'not measured';
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    log(
      `link errors ${row.id}: ${indices.length} frames of ${frameBytes} bytes, clean accuracy ${cleanText} (${seconds} s)`,
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
    rowModel.model.dispose();
    rowModel.backbone.dispose();
  }
}
