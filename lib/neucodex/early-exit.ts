/**
 * NeuCODEX's dynamic early exit: the server runs the tail one time step at a time and keeps the running mean
 * of the per-step logits, m[t] = (logits[1] + ... + logits[t]) / t; it stops at the first step t whose
 * confidence in softmax(m[t]) exceeds a threshold, and the device sends no later steps. A sample that never
 * passes uses all T steps. The prediction is argmax m[t] at the exit step.
 *
 * Confidence of p = softmax(m[t]):
 * - 'max-softmax': the largest probability, in [1/classes, 1];
 * - 'margin': the largest minus the second largest probability, in [0, 1].
 * The threshold is in [0, 1] and must be exceeded (confidence > threshold): 1 never exits early, 0 exits at
 * the first step unless the margin is exactly 0 (a tie).
 *
 * With temporal compression the server gets steps in groups of g = T / T' (`TemporallyCompressedModel`): then
 * `exitEvery: g` checks the confidence only after whole groups (steps g, 2g, ..., T), which is when the server can
 * answer and the device can stop.
 *
 * Reading exits off the per-step logits of one full T-step pass is exact: in inference mode every layer is
 * causal in time (LIF neurons carry state forward only, tdBN uses its running statistics, encoders are per
 * step), so the logits of step t are what the server computes after receiving steps 1..t. Softmax runs in
 * float64 on the read-back logits.
 */
import * as tf from '@tensorflow/tfjs-core';
import { timeMajorRow } from '../snn/time';

export type ExitConfidence = 'max-softmax' | 'margin';
export const EXIT_CONFIDENCES: readonly ExitConfidence[] = ['max-softmax', 'margin'];

export interface EarlyExitOptions {
  /** In [0, 1]; a sample exits at the first step whose confidence exceeds it. */
  readonly threshold: number;
  readonly confidence: ExitConfidence;
  /** Check only after every this many steps (and so exit only there); default 1; must divide T. */
  readonly exitEvery?: number;
}

/** Per sample: what the server answered and when. */
export interface EarlyExit {
  /** Argmax of the running mean of the logits at the exit step, `[B]`. */
  readonly predicted: Int32Array;
  /** Time steps the device sent and the server ran, in 1..T, `[B]`. */
  readonly stepsUsed: Int32Array;
  /** Confidence at the exit step, `[B]`. */
  readonly confidence: Float64Array;
}

/** Confidence and prediction of the running mean after every step: what any threshold's exits are read from. */
export interface ExitTrace {
  readonly T: number;
  readonly B: number;
  /** Confidence of softmax(m[t]) for step t of sample b at `timeMajorRow(t, b, B)` = `t*B + b`, `[T*B]` (t from 0). */
  readonly confidence: Float64Array;
  /** argmax m[t] at `t*B + b`, `[T*B]`. */
  readonly predicted: Int32Array;
}

export function checkConfidence(confidence: string): ExitConfidence {
  if (!(EXIT_CONFIDENCES as readonly string[]).includes(confidence)) {
    throw new RangeError(`early exit confidence: expected one of ${EXIT_CONFIDENCES.join(', ')}, got '${confidence}'`);
  }
  return confidence as ExitConfidence;
}

export function checkThreshold(threshold: number): number {
  if (!(threshold >= 0 && threshold <= 1))
    throw new RangeError(`early exit threshold: expected a number in [0, 1], got ${threshold}`);
  return threshold;
}

/** The running-mean confidence and prediction of per-step logits `[T, B, classes]` after every step. */
export function exitTrace(stepLogits: tf.Tensor, confidence: ExitConfidence): ExitTrace {
  checkConfidence(confidence);
  const [T, B, C] = stepLogits.shape;
  if (stepLogits.rank !== 3 || C < 2) {
    throw new RangeError(
      `early exit: expected per-step logits [T, B, classes] with at least 2 classes, got shape [${stepLogits.shape.join(', ')}]`,
    );
  }
  const logits = stepLogits.dataSync();
  const sum = new Float64Array(B * C); // running sum of the logits per sample and class
  const p = new Float64Array(C);
  const trace = { T, B, confidence: new Float64Array(T * B), predicted: new Int32Array(T * B) };
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const row = b * C;
      const at = timeMajorRow(t, b, B);
      let best = 0;
      for (let c = 0; c < C; c++) {
        sum[row + c] += logits[at * C + c];
        if (sum[row + c] > sum[row + best]) best = c;
      }
      // softmax of the mean (sum / (t + 1)), shifted by its maximum
      let z = 0;
      for (let c = 0; c < C; c++) {
        p[c] = Math.exp((sum[row + c] - sum[row + best]) / (t + 1));
        z += p[c];
      }
      let second = 0;
      for (let c = 0; c < C; c++) if (c !== best) second = Math.max(second, p[c]);
      trace.confidence[at] = confidence === 'max-softmax' ? 1 / z : (1 - second) / z;
      trace.predicted[at] = best;
    }
  }
  return trace;
}

/** Each sample's exit under `threshold`, checked after every `exitEvery` steps, read off a trace. */
export function exitsAt(trace: ExitTrace, threshold: number, exitEvery = 1): EarlyExit {
  checkThreshold(threshold);
  const { T, B } = trace;
  if (!Number.isInteger(exitEvery) || exitEvery < 1 || T % exitEvery !== 0) {
    throw new RangeError(`early exit: exitEvery must be a positive integer dividing T = ${T}, got ${exitEvery}`);
  }
  const out = { predicted: new Int32Array(B), stepsUsed: new Int32Array(B), confidence: new Float64Array(B) };
  for (let b = 0; b < B; b++) {
    let t = exitEvery - 1;
    while (t < T - 1 && !(trace.confidence[timeMajorRow(t, b, B)] > threshold)) t += exitEvery;
    const at = timeMajorRow(t, b, B);
    out.predicted[b] = trace.predicted[at];
    out.stepsUsed[b] = t + 1;
    out.confidence[b] = trace.confidence[at];
  }
  return out;
}

/** Early exit of every sample of per-step logits `[T, B, classes]`. */
export function earlyExit(stepLogits: tf.Tensor, options: EarlyExitOptions): EarlyExit {
  checkThreshold(options.threshold);
  return exitsAt(exitTrace(stepLogits, options.confidence), options.threshold, options.exitEvery);
}
