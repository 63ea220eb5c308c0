/**
 * Uniform quantisation of BottleNet++'s transmitted features: a value in [0, range] becomes one of 2^b
 * integer codes,
 *   code  = round(clip(x, 0, range) * (2^b - 1) / range)     (round half to even, as tf.round)
 *   value = code * range / (2^b - 1),
 * so a sigmoid output (range 1) at 8 bits travels as a byte. In training the quantiser is the identity for the
 * gradient (straight-through estimator) inside [0, range] and passes nothing where the clip saturates.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Widest code: codes travel as int32 tensors and as bit planes of a frame. */
export const MAX_BIT_WIDTH = 16;

export function checkBitWidth(bitWidth: number): number {
  if (!Number.isInteger(bitWidth) || bitWidth < 1 || bitWidth > MAX_BIT_WIDTH) {
    throw new RangeError(`bitWidth must be an integer in [1, ${MAX_BIT_WIDTH}], got ${bitWidth}`);
  }
  return bitWidth;
}

export class UniformQuantizer {
  /** The largest code, 2^bitWidth - 1. */
  readonly maxCode: number;

  /** `range`: the top of the quantised interval [0, range] (1 for a sigmoid's output). */
  constructor(
    readonly bitWidth: number,
    readonly range = 1,
  ) {
    checkBitWidth(bitWidth);
    if (!(Number.isFinite(range) && range > 0))
      throw new RangeError(`quantiser range must be a positive number, got ${range}`);
    this.maxCode = 2 ** bitWidth - 1;
  }

  /** Integer codes in [0, maxCode] (int32, same shape as `x`). */
  codes(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      tf.cast(tf.round(tf.mul(tf.clipByValue(x, 0, this.range), this.maxCode / this.range)), 'int32'),
    );
  }

  /** The values the codes stand for (float32, same shape). */
  values(codes: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.cast(codes, 'float32'), this.range / this.maxCode));
  }

  /** `values(codes(x))`, with the straight-through gradient `dy * [0 <= x <= range]`. */
  readonly fakeQuantize = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    return {
      value: this.values(this.codes(x)),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) =>
        tf.mul(dy, tf.cast(tf.logicalAnd(tf.greaterEqual(saved, 0), tf.lessEqual(saved, this.range)), 'float32')),
    };
  }) as (x: tf.Tensor) => tf.Tensor;
}
