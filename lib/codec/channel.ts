/**
 * Channel errors for frames on a lossy link: independent bit flips at a bit-error rate, and whole frames
 * lost with a probability. Both draw from a seeded Rng, so a damaged run repeats exactly.
 */
import { Rng } from '../util/rng';

/** A copy of the bytes with some bits flipped, and how many. */
export interface FlippedBytes {
  bytes: Uint8Array;
  flippedBits: number;
}

/**
 * Returns a copy of `bytes` in which each bit is flipped independently with probability `bitErrorRate`
 * (bit k is byte floor(k / 8), mask 0x80 >> k % 8). The gaps between flips are drawn from the geometric
 * distribution, so the cost is proportional to the number of flips, not of bits.
 */
export function flipBits(bytes: Uint8Array, bitErrorRate: number, rng: Rng): FlippedBytes {
  checkProbability('bitErrorRate', bitErrorRate);
  const out = bytes.slice();
  const totalBits = out.length * 8;
  let flippedBits = 0;
  if (bitErrorRate > 0) {
    const logKeep = Math.log1p(-bitErrorRate); // -Infinity at rate 1: every gap is 0
    // Bits kept before the next flip: floor(ln U / ln(1 - rate)) with U uniform in (0, 1].
    const gap = () => Math.floor(Math.log(1 - rng.next()) / logKeep);
    for (let k = gap(); k < totalBits; k += 1 + gap()) {
      out[Math.floor(k / 8)] ^= 0x80 >> (k % 8);
      flippedBits++;
    }
  }
  return { bytes: out, flippedBits };
}

/**
 * Loses each frame independently with probability `lossProbability`: returns the frames in order, with
 * `null` where one was lost.
 */
export function dropFrames<F>(frames: readonly F[], lossProbability: number, rng: Rng): (F | null)[] {
  checkProbability('lossProbability', lossProbability);
  return frames.map((frame) => (rng.next() < lossProbability ? null : frame));
}

function checkProbability(name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} is ${p}; expected a probability in [0, 1]`);
}
