/**
 * What the device puts on the wire and the server takes off it, through the codec's frames:
 * - spikes: a frame of the full spike tensor `[T*B, h', w', c']`, T = the run's time steps;
 * - DNN codes (BottleNet++): a frame of shape `[B, h', w', c', b]`, T = 1, whose last axis holds each code's
 *   b bits MSB first (`code-bits.ts`); packed, its payload is exactly the codes at b bits each.
 * `serverDecode` refuses a damaged frame (the codec's CRC check throws FrameError); `serverForward` runs the
 * server on a frame already decoded, or on `erasedFrame` when a frame was lost (see `noisy-link.ts`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { decodeFrame, DecodedFrame, encodeFrame, FrameCoding, FrameMeta } from '../codec/frame';
import { ForwardContext, makeRun } from '../snn/module';
import { bitsToCodes, codesToBits } from './code-bits';
import { DevicePart, ServerPart } from './partition';

/** What a frame's meta is derived from: a split model's part, or anything that sends what one sends. */
export type FramedPart = Pick<DevicePart, 'spiking' | 'splitPoint' | 'sentShape' | 'bitWidth'>;

/**
 * The meta of the frame that carries what `part` sends for `batch` images at `T` steps: spikes
 * `[T*B, h', w', c']`, or DNN codes `[B, h', w', c', b]` with T = 1 (whatever `T` is given). Device and server
 * both use it: the device to frame what it sends, the server to check what it receives.
 */
export function sentFrameMeta(part: FramedPart, batch: number, T: number, coding: FrameCoding): FrameMeta {
  return part.spiking
    ? { splitPoint: part.splitPoint, T, shape: [T * batch, ...part.sentShape], coding }
    : { splitPoint: part.splitPoint, T: 1, shape: [batch, ...part.sentShape, part.bitWidth], coding };
}

/** Frames what `part` sent, read back: spikes `[T*B, h', w', c']` (0/1 values) or DNN codes `[B, h', w', c']`. */
export function encodeSent(
  part: FramedPart,
  values: ArrayLike<number>,
  sentShape: readonly number[],
  T: number,
  coding: FrameCoding,
): Uint8Array {
  const meta = sentFrameMeta(part, sentShape[0] / (part.spiking ? T : 1), T, coding);
  return encodeFrame(part.spiking ? (values as Float32Array) : codesToBits(values as Int32Array, part.bitWidth), meta);
}

/** Runs the device on `x` and frames what it sends. */
export function deviceEncode(
  device: DevicePart,
  x: tf.Tensor,
  { coding = 'packed', ctx = {} }: { coding?: FrameCoding; ctx?: ForwardContext } = {},
): Uint8Array {
  const T = makeRun(ctx, device.T).T;
  const sent = device.forward(x, ctx);
  try {
    return encodeSent(device, sent.dataSync(), sent.shape, T, coding);
  } finally {
    sent.dispose();
  }
}

/** An all-zero frame in the shape the server expects: what a receiver substitutes for an erased frame. */
export function erasedFrame(server: ServerPart, batch: number, ctx: ForwardContext = {}): DecodedFrame {
  const meta = sentFrameMeta(server, batch, makeRun(ctx, server.T).T, 'packed');
  return { spikes: new Uint8Array(meta.shape.reduce((a, b) => a * b, 1)), meta };
}

/** Runs the server on a decoded frame: logits `[B, classes]`. Throws if the frame is not what this server expects. */
export function serverForward(server: ServerPart, received: DecodedFrame, ctx: ForwardContext = {}): tf.Tensor {
  const { meta } = received;
  const T = makeRun(ctx, server.T).T;
  const batch = server.spiking ? meta.shape[0] / T : meta.shape[0]; // whole whenever meta.T = T (decodeFrame checks T divides it)
  const expected = sentFrameMeta(server, batch, T, meta.coding);
  if (
    meta.splitPoint !== expected.splitPoint ||
    meta.T !== expected.T ||
    meta.shape.join(',') !== expected.shape.join(',')
  ) {
    const dims = server.spiking
      ? `[T*B, ${server.sentShape.join(', ')}] with T = ${T}`
      : `[B, ${server.sentShape.join(', ')}, ${server.bitWidth}] with T = 1`;
    throw new RangeError(
      `frame holds split point '${meta.splitPoint}', T = ${meta.T}, shape [${meta.shape.join(', ')}]; this server expects '${server.splitPoint}', ${dims}`,
    );
  }
  const sent = server.spiking
    ? tf.tensor(Float32Array.from(received.spikes), meta.shape, 'float32')
    : tf.tensor(bitsToCodes(received.spikes, server.bitWidth), meta.shape.slice(0, -1), 'int32');
  try {
    return server.forward(sent, ctx);
  } finally {
    sent.dispose();
  }
}

/** Decodes a frame (throws FrameError if it is damaged) and runs the server on it: logits `[B, classes]`. */
export function serverDecode(server: ServerPart, frame: Uint8Array, ctx: ForwardContext = {}): tf.Tensor {
  return serverForward(server, decodeFrame(frame), ctx);
}
