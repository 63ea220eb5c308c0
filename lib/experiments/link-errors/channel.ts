/**
 * The link study's channel conditions and what the server receives under each: every bit-error rate with both
 * receiver policies, then every frame-loss probability. A frame that does not arrive, or fails its checks under
 * 'erase', is null; the server runs on all-zero spikes in its place (`batchFrame`).
 */
import { CORRUPT_FRAME_POLICIES, sendOverNoisyLink, type CorruptFramePolicy } from '../../bottleneck/noisy-link';
import { dropFrames } from '../../codec/channel';
import { decodeFrame, type DecodedFrame, type FrameMeta } from '../../codec/frame';
import { interleaveSample } from '../../snn/time';
import type { Rng } from '../../util/rng';
import type { LinkErrorConfig, LinkErrorPoint } from './schema';

/** One channel condition of the study. */
export interface Condition {
  channel: LinkErrorPoint['channel'];
  policy: CorruptFramePolicy | null;
  rate: number;
}

/** What a condition did to the frames so far: images classified correctly, frames lost, bits flipped. */
export interface Tally {
  correct: number;
  lost: number;
  flipped: number;
}

export function conditions(config: LinkErrorConfig): Condition[] {
  const ber = CORRUPT_FRAME_POLICIES.flatMap((policy) =>
    config.bitErrorRates.map((rate): Condition => ({ channel: 'bit-errors', policy, rate })),
  );
  const loss = config.frameLossRates.map((rate): Condition => ({ channel: 'frame-loss', policy: null, rate }));
  return [...ber, ...loss];
}

/** The spikes the server gets of each frame under `cond` (null: lost or erased); adds the flipped bits to `tally`. */
export function receive(frames: Uint8Array[], cond: Condition, rng: Rng, tally: Tally): (Uint8Array | null)[] {
  if (cond.channel === 'frame-loss')
    return dropFrames(frames, cond.rate, rng).map((f) => (f === null ? null : decodeFrame(f).spikes));
  return frames.map((f) => {
    const r = sendOverNoisyLink(f, { bitErrorRate: cond.rate, rng, policy: cond.policy! });
    tally.flipped += r.flippedBits;
    return r.received?.spikes ?? null;
  });
}

/**
 * The spikes of B per-image frames `[T, h', w', c']` as one decoded frame `[T*B, h', w', c']`, time-major; an
 * image whose frame did not arrive (null) is all zeros, as `erasedFrame` substitutes.
 */
export function batchFrame(images: (Uint8Array | null)[], T: number, meta: FrameMeta): DecodedFrame {
  const B = images.length;
  const perStep = meta.shape.slice(1).reduce((a, b) => a * b, 1);
  const spikes = new Uint8Array(T * B * perStep);
  images.forEach((image, b) => {
    if (image !== null) interleaveSample(spikes, image, b, B, T);
  });
  return { spikes, meta: { ...meta, shape: [T * B, ...meta.shape.slice(1)] } };
}
