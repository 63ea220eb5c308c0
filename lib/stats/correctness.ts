/**
 * Per-image correctness of a classifier on a test set, stored compactly in results files: one bit per image, in
 * the test set's order, packed MSB-first (`packBits`) and written as base64 (10,000 images: 1,668 characters).
 * Paired statistics compare two such strings image by image, so both must come from the same test set.
 */
import { packBits, unpackBits } from '../codec/bitpack';
import { wilsonInterval } from './wilson';
import type { Interval } from './interval';

export interface Correctness {
  /** Test images. */
  count: number;
  /** base64 of the packed bits: bit i is 1 when image i was classified correctly. */
  bits: string;
}

/** An accuracy with its 95% Wilson interval (fractions) and the images it counts. */
export interface AccuracyEstimate extends Interval {
  accuracy: number;
  count: number;
}

export function encodeCorrectness(correct: Uint8Array): Correctness {
  return { count: correct.length, bits: Buffer.from(packBits(correct)).toString('base64') };
}

/** One byte per image, 1 = correct; `where` names the record in the error of a missing or corrupt one. */
export function decodeCorrectness(c: Correctness | undefined, where: string): Uint8Array {
  if (c === undefined || c === null) {
    throw new Error(
      `${where} has no per-image correctness ('correct'); it was written before intervals were recorded: delete it and run again`,
    );
  }
  if (!Number.isInteger(c.count) || c.count < 1 || typeof c.bits !== 'string') {
    throw new Error(
      `${where}: per-image correctness must be { count: a positive whole number, bits: base64 }, got ${JSON.stringify(c).slice(0, 80)}`,
    );
  }
  try {
    return unpackBits(new Uint8Array(Buffer.from(c.bits, 'base64')), c.count);
  } catch (err) {
    throw new Error(`${where}: per-image correctness is corrupt: ${(err as Error).message}`);
  }
}

export function countCorrect(correct: Uint8Array): number {
  let k = 0;
  for (let i = 0; i < correct.length; i++) k += correct[i];
  return k;
}

/** The accuracy of `correct` with its Wilson interval. */
export function accuracyEstimate(correct: Uint8Array): AccuracyEstimate {
  const k = countCorrect(correct);
  return { accuracy: k / correct.length, ...wilsonInterval(k, correct.length), count: correct.length };
}
