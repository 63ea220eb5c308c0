/**
 * What the testbed's two processes run, for a split model that sends every time step (a `BottleneckedModel`
 * cut by `split`) and for one that sends T' < T of them (a `TemporallyCompressedModel`, NeuCODEX):
 *
 *   head (device): input [B, H, W, C] -> sent spikes [S*B, h', w', c'] (S = sentSteps), or DNN codes [B, h', w', c']
 *   tail (server): the first k sent steps [k*B, h', w', c'] -> per-step logits of the first k*group steps [k*group, B, classes]
 *
 * S = T and group = 1 without temporal compression; S = T' and group = T / T' with it. Sent step k carries
 * model steps k*group .. (k+1)*group - 1 (TemporalEncoder's groups).
 *
 * The tail on the first k sent steps recomputes from rest over those steps: layers keep no membrane state
 * between passes (lib/snn/module.ts), and recomputing is exact because inference is causal in time: LIF
 * neurons carry state forward only, tdBN normalises with running statistics, the bottleneck decoder and the
 * backbone tail act step by step, and the temporal expander's restored step t reads only sent steps up to its
 * own group, so the unreceived sent steps (zero-filled) meet only masked, zero weights. Its cost grows with k.
 *
 * `WholeModel` is what raw offload and edge-only run: the backbone alone or the joint model.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BottleneckedModel } from '../bottleneck/bottlenecked-model';
import { FramedPart, sentFrameMeta, serverForward } from '../bottleneck/feature-frame';
import { split } from '../bottleneck/partition';
import { DecodedFrame, FrameMeta } from '../codec/frame';
import { SplittableModel } from '../models/backbone';
import { TemporallyCompressedModel } from '../neucodex/compressed-model';
import { makeRun } from '../snn/module';

interface EndInfo extends FramedPart {
  /** The model's time steps. */
  readonly T: number;
  /** Steps the device sends per image: T' with temporal compression, else T (1 for DNN codes). */
  readonly sentSteps: number;
  /** Model steps per sent step, T / sentSteps. */
  readonly group: number;
}

export interface SplitHead extends EndInfo {
  /** Input -> what is sent: spikes `[sentSteps*B, h', w', c']` or DNN codes `[B, h', w', c']`. */
  forward(x: tf.Tensor): tf.Tensor;
}

export interface SplitTail extends EndInfo {
  /** A frame of everything the head sends -> logits averaged over T `[B, classes]`; RangeError if this tail does not take it. */
  forwardFrame(frame: DecodedFrame): tf.Tensor;
  /** Spikes of the first k sent steps `[k*B, h', w', c']` -> per-step logits `[k*group, B, classes]`. */
  stepLogits(sent: tf.Tensor, k: number): tf.Tensor;
}

export interface WholeModel {
  readonly T: number;
  /** Per image `[H, W, C]`. */
  readonly inputShape: readonly number[];
  /** Input `[B, H, W, C]` -> logits averaged over T `[B, classes]`. */
  forward(x: tf.Tensor): tf.Tensor;
}

/** Head and tail of a split model that sends every step. */
export function splitEnds(model: BottleneckedModel): { head: SplitHead; tail: SplitTail } {
  const { device, server } = split(model, model.splitPoint);
  const info: EndInfo = {
    splitPoint: model.splitPoint,
    spiking: model.spiking,
    sentShape: device.sentShape,
    bitWidth: device.bitWidth,
    T: model.T,
    sentSteps: model.spiking ? model.T : 1,
    group: model.spiking ? 1 : model.T,
  };
  return {
    head: { ...info, forward: (x) => device.forward(x) },
    tail: {
      ...info,
      forwardFrame: (frame) => serverForward(server, frame),
      stepLogits(sent, k) {
        if (!model.spiking)
          throw new RangeError(
            `${model.name} sends one DNN code per image, not time steps; it cannot be run step by step`,
          );
        checkSteps(info, k);
        return server.forwardSteps(sent, { T: k });
      },
    },
  };
}

/** Head and tail of a split model with learned temporal compression (T' < T sent steps). */
export function compressedEnds(model: TemporallyCompressedModel): { head: SplitHead; tail: SplitTail } {
  const { splitPoint, unit, backbone } = model.model;
  const info: EndInfo = {
    splitPoint,
    spiking: true,
    sentShape: model.sentShape,
    bitWidth: 1,
    T: model.T,
    sentSteps: model.sentSteps,
    group: model.T / model.sentSteps,
  };
  return {
    head: { ...info, forward: (x) => model.deviceForward(x) },
    tail: {
      ...info,
      forwardFrame: (frame) =>
        tf.tidy(() => tf.mean(model.serverForwardSteps(framedSpikes(info, frame, info.sentSteps)), 0)),
      stepLogits(sent, k) {
        checkSteps(info, k);
        return tf.tidy(() => {
          const B = sent.shape[0] / k;
          const zeros = k < info.sentSteps ? tf.zeros([(info.sentSteps - k) * B, ...info.sentShape]) : null;
          const restored = model.expander.forward(zeros ? tf.concat([sent, zeros], 0) : sent); // [T*B, h', w', c']
          const steps = k * info.group;
          const received = steps < info.T ? tf.slice(restored, 0, steps * B) : restored; // [steps*B, h', w', c']
          return backbone.forwardStepsFrom(unit.decodeValues(received, makeRun({ T: steps }, steps)), splitPoint, {
            T: steps,
          });
        });
      },
    },
  };
}

/** The backbone alone, or a joint model, as raw offload and edge-only run it. */
export function wholeModel(model: BottleneckedModel | TemporallyCompressedModel | SplittableModel): WholeModel {
  const inputShape =
    model instanceof BottleneckedModel
      ? model.backbone.inputShape
      : model instanceof TemporallyCompressedModel
        ? model.model.backbone.inputShape
        : model.inputShape;
  return { T: model.T, inputShape, forward: (x) => model.forward(x) };
}

/**
 * The images in a frame (its header's meta) holding `steps` sent steps `[steps*B, h', w', c']`; a RangeError (a
 * mismatch) if its split point, T or shape is not what `part` sends.
 */
export function checkSentFrame(part: EndInfo, meta: FrameMeta, steps: number): number {
  const expected = sentFrameMeta(part, meta.shape[0] / steps, steps, meta.coding);
  if (
    meta.splitPoint !== expected.splitPoint ||
    meta.T !== steps ||
    meta.shape.join(',') !== expected.shape.join(',')
  ) {
    throw new RangeError(
      `frame holds split point '${meta.splitPoint}', T = ${meta.T}, shape [${meta.shape.join(', ')}]; ` +
        `expected '${part.splitPoint}', [${steps}*B, ${part.sentShape.join(', ')}] with T = ${steps}`,
    );
  }
  return meta.shape[0] / steps;
}

/** The spikes of a frame holding `steps` sent steps, checked by `checkSentFrame`: `[steps*B, h', w', c']`. */
function framedSpikes(part: EndInfo, frame: DecodedFrame, steps: number): tf.Tensor {
  checkSentFrame(part, frame.meta, steps);
  return tf.tensor(Float32Array.from(frame.spikes), frame.meta.shape, 'float32');
}

function checkSteps(info: EndInfo, k: number): void {
  if (!(Number.isInteger(k) && k >= 1 && k <= info.sentSteps))
    throw new RangeError(`sent steps received is ${k}; expected an integer in 1..${info.sentSteps}`);
}
