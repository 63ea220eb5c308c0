/**
 * What the server does per request mode, as a table of handlers. Each handler has two halves:
 * - `admit` runs when the message arrives and reads only the request header and the frame header (never the
 *   payload): it refuses, before anything is decoded or allocated, a request this server has no model for
 *   (`unsupported`), one whose per-image shape is not the model's (`mismatch`), and one over maxBatch images
 *   (`oversized`, naming the limit), so that every admitted request costs at most one bounded forward pass;
 * - `run` decodes and computes it, when the scheduler gives it its turn.
 */
import * as tf from '@tensorflow/tfjs-core';
import { decodeFrame, FrameMeta, readFrameMeta } from '../codec/frame';
import { imageBatch } from '../data/batch';
import { ImageDataset } from '../data/dataset';
import { Normalization } from '../data/normalization';
import { earlyExit } from '../neucodex/early-exit';
import { timeMajorRow } from '../snn/time';
import { checkSentFrame, SplitTail, WholeModel } from './model-ends';
import { readPredictions } from './predictions';
import { ProtocolError, ProtocolRequest, RequestMode, SuccessReply } from './protocol';
import { ExitSessions } from './sessions';

/** What a handler is given: the models, the batch limit, and (mode steps) the connection's open sessions. */
export interface ModeContext {
  readonly tail?: SplitTail;
  readonly whole?: WholeModel;
  readonly normalization?: Normalization;
  readonly maxBatch: number;
}

export type ModeResult = Omit<SuccessReply, 'id' | 'ok' | 'server'>;

export interface ModeHandler {
  /** Throws ProtocolError (unsupported, mismatch, oversized, malformed) or FrameError; reads no payload. */
  admit(request: ProtocolRequest, ctx: ModeContext): void;
  /** Computes the reply; `decoded` is called once the input is decoded (for the server's timing). */
  run(request: ProtocolRequest, ctx: ModeContext, exits: ExitSessions, decoded: () => void): ModeResult;
}

function needTail(ctx: ModeContext, mode: RequestMode): SplitTail {
  if (!ctx.tail)
    throw new ProtocolError('unsupported', `this server has no split model tail, so it does not take mode '${mode}'`);
  return ctx.tail;
}

/** The frame's images, checked against the tail (`steps` sent steps) and maxBatch from its header alone. */
function admitFrame(tail: SplitTail, meta: FrameMeta, steps: number, ctx: ModeContext, id: number): number {
  let batch: number;
  try {
    batch = checkSentFrame(tail, meta, steps);
  } catch (err) {
    throw new ProtocolError('mismatch', (err as Error).message, id);
  }
  if (batch > ctx.maxBatch)
    throw new ProtocolError(
      'oversized',
      `frame holds ${batch} images; this server takes at most ${ctx.maxBatch} per request (maxBatch)`,
      id,
    );
  return batch;
}

const split: ModeHandler = {
  admit({ header, body }, ctx) {
    const tail = needTail(ctx, 'split');
    admitFrame(tail, readFrameMeta(body), tail.sentSteps, ctx, header.id);
  },
  run({ body }, ctx, _exits, decoded) {
    const tail = ctx.tail!;
    const frame = decodeFrame(body);
    decoded();
    return { ...predictions(tail.forwardFrame(frame)), steps: tail.T };
  },
};

const raw: ModeHandler = {
  admit({ header, body }, ctx) {
    if (!ctx.whole)
      throw new ProtocolError(
        'unsupported',
        "this server has no whole model, so it does not take mode 'raw'",
        header.id,
      );
    const shape = header.shape!;
    const { inputShape } = ctx.whole;
    if (shape.slice(1).join(',') !== inputShape.join(',')) {
      throw new ProtocolError(
        'mismatch',
        `raw input shape is [${shape.join(', ')}]; this model takes [B, ${inputShape.join(', ')}]`,
        header.id,
      );
    }
    if (shape[0] > ctx.maxBatch)
      throw new ProtocolError(
        'oversized',
        `raw input holds ${shape[0]} images; this server takes at most ${ctx.maxBatch} per request (maxBatch)`,
        header.id,
      );
    const size = shape.reduce((a, b) => a * b, 1);
    if (body.length !== size)
      throw new ProtocolError(
        'malformed',
        `raw body is ${body.length} bytes; shape [${shape.join(', ')}] of uint8 pixels takes ${size}`,
        header.id,
      );
  },
  run(request, ctx, _exits, decoded) {
    const whole = ctx.whole!;
    const x = rawInput(request, ctx.normalization!);
    decoded();
    try {
      return { ...predictions(whole.forward(x)), steps: whole.T };
    } finally {
      x.dispose();
    }
  },
};

/**
 * One message of an early-exit request: takes sent step k, runs the tail on steps 0..k, applies the exit rule.
 */
const steps: ModeHandler = {
  admit({ header, body }, ctx) {
    const tail = needTail(ctx, 'steps');
    if (!tail.spiking)
      throw new ProtocolError(
        'unsupported',
        `this server's model sends one DNN code per image, not time steps; it does not take mode 'steps'`,
        header.id,
      );
    if (header.step! >= tail.sentSteps)
      throw new ProtocolError(
        'malformed',
        `early-exit request ${header.id} sent step ${header.step}; this model sends ${tail.sentSteps} steps (0..${tail.sentSteps - 1})`,
        header.id,
      );
    admitFrame(tail, readFrameMeta(body), 1, ctx, header.id);
  },
  run({ header, body }, ctx, exits, decoded) {
    const { id, step, exit } = header as Required<typeof header>;
    const t = ctx.tail!;
    const frame = decodeFrame(body);
    const batch = frame.meta.shape[0]; // one sent step [B, h', w', c'], as admitted
    const session = exits.extend(id, step, batch);
    decoded();
    exits.add(id, session, frame.spikes);
    const k = session.received.length;
    const sent = new Float32Array(k * frame.spikes.length); // [k*B, h', w', c'], time-major
    session.received.forEach((s, i) => sent.set(s, i * s.length));
    const stepLogits = tf.tidy(() => t.stepLogits(tf.tensor(sent, [k * batch, ...t.sentShape], 'float32'), k)); // [k*group, B, classes]
    try {
      const rule = earlyExit(stepLogits, { ...exit, exitEvery: t.group });
      const done = k === t.sentSteps || Array.from(rule.confidence).every((c) => c > exit.threshold);
      if (done) exits.end(id);
      return {
        predictions: Array.from(rule.predicted),
        logits: runningMeans(stepLogits, rule.stepsUsed),
        steps: k * t.group,
        exit: { done, stepsUsed: Array.from(rule.stepsUsed), confidence: Array.from(rule.confidence) },
      };
    } finally {
      stepLogits.dispose();
    }
  },
};

export const MODE_HANDLERS: Record<RequestMode, ModeHandler> = { split, raw, steps };

function predictions(logits: tf.Tensor): ReturnType<typeof readPredictions> {
  try {
    return readPredictions(logits);
  } finally {
    logits.dispose();
  }
}

/** The raw-mode body, uint8 pixels `[B, H, W, C]` (admitted), normalised by `imageBatch` as the data pipeline feeds the model. */
function rawInput({ header, body }: ProtocolRequest, normalization: Normalization): tf.Tensor {
  const [batch, height, width, channels] = header.shape!;
  const pixels = new ImageDataset({
    images: body,
    labels: new Uint8Array(batch),
    classes: ['unlabelled'],
    height,
    width,
    channels,
    source: `raw request ${header.id}`,
  });
  const { images, labels } = imageBatch(
    pixels,
    Array.from({ length: batch }, (_, b) => b),
    { normalization },
  );
  labels.dispose();
  return images;
}

/** Per image b, the mean of its first `steps[b]` per-step logits `[T, B, classes]`: `[B][classes]`. */
function runningMeans(stepLogits: tf.Tensor, steps: Int32Array): number[][] {
  const [, B, C] = stepLogits.shape;
  const values = stepLogits.dataSync();
  return Array.from({ length: B }, (_, b) => {
    const mean = new Array<number>(C).fill(0);
    for (let t = 0; t < steps[b]; t++) for (let c = 0; c < C; c++) mean[c] += values[timeMajorRow(t, b, B) * C + c];
    return mean.map((v) => v / steps[b]);
  });
}
