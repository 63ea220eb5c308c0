/**
 * Bit errors between device and server, for accuracy-against-BER studies. Each bit that crosses the link flips
 * independently with probability `bitErrorRate` (the codec's seeded `flipBits`). A frame's CRC-32 covers its
 * header and payload, so nearly any flip makes `decodeFrame` refuse the frame. Two receivers:
 *
 *   'erase'       every bit of the frame may flip (header, CRC, payload); a frame that fails any check is
 *                 dropped: an erasure, `received` null. The caller then substitutes features, either
 *                 `erasedFrame(server, B)` (all-zero spikes, or all-zero codes) or the last frame it received.
 *   'ignore-crc'  the damaged payload is decoded anyway: the header is taken as intact (protected on its own, or
 *                 known from the session), only payload bits flip, and the CRC is not checked. With 'packed'
 *                 coding each payload bit is one spike (or one bit of a code), so every flip lands on the
 *                 features. Needs 'packed' frames: an entropy-coded payload does not survive bit errors.
 *
 *   const r = sendOverNoisyLink(frame, { bitErrorRate: 1e-4, rng, policy: 'erase' });
 *   const logits = serverForward(server, r.received ?? erasedFrame(server, B));
 */
import { packedByteLength, unpackBits } from '../codec/bitpack';
import { flipBits } from '../codec/channel';
import { decodeFrame, DecodedFrame, FrameError } from '../codec/frame';
import { Rng } from '../util/rng';

export type CorruptFramePolicy = 'erase' | 'ignore-crc';
export const CORRUPT_FRAME_POLICIES: readonly CorruptFramePolicy[] = ['erase', 'ignore-crc'];

export interface NoisyLinkOptions {
  /** Probability that a bit flips, in [0, 1]. */
  readonly bitErrorRate: number;
  readonly rng: Rng;
  readonly policy: CorruptFramePolicy;
}

export interface Reception {
  /** The frame as the server can use it; null when it was erased ('erase' and the frame failed a check). */
  readonly received: DecodedFrame | null;
  /** Bits flipped on the link: anywhere in the frame ('erase'), or among the payload's data bits ('ignore-crc'). */
  readonly flippedBits: number;
}

/** Sends `frame` (from `encodeFrame`/`deviceEncode`) over a binary symmetric channel; see the module comment. */
export function sendOverNoisyLink(frame: Uint8Array, { bitErrorRate, rng, policy }: NoisyLinkOptions): Reception {
  if (policy === 'erase') {
    const { bytes, flippedBits } = flipBits(frame, bitErrorRate, rng);
    try {
      return { received: decodeFrame(bytes), flippedBits };
    } catch (err) {
      if (err instanceof FrameError) return { received: null, flippedBits };
      throw err;
    }
  }
  if (policy !== 'ignore-crc')
    throw new RangeError(`noisy link policy must be one of ${CORRUPT_FRAME_POLICIES.join(', ')}, got '${policy}'`);
  const { meta, spikes } = decodeFrame(frame); // the header, which this receiver takes as arriving intact
  if (meta.coding !== 'packed')
    throw new RangeError(`policy 'ignore-crc' needs a 'packed' frame (one bit per value); got coding '${meta.coding}'`);
  const count = spikes.length;
  const payload = frame.subarray(frame.length - packedByteLength(count)); // the payload ends the frame (frame.ts)
  const { bytes, flippedBits } = flipBits(payload, bitErrorRate, rng);
  // Padding bits after the last value carry nothing: the receiver clears them and they do not count.
  const padding = count % 8 === 0 ? 0 : 0xff >> (count % 8);
  let paddingFlips = 0;
  if (padding !== 0) {
    const last = bytes.length - 1;
    paddingFlips = popcount(bytes[last] & padding);
    bytes[last] &= ~padding;
  }
  return { received: { spikes: unpackBits(bytes, count), meta }, flippedBits: flippedBits - paddingFlips };
}

function popcount(byte: number): number {
  let n = 0;
  for (let b = byte; b !== 0; b &= b - 1) n++;
  return n;
}
