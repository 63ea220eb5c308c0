/**
 * Input encoders, the first stage of a model's head: they turn what the caller has into time-folded input
 * `[T*B, H, W, C]` for the stem.
 * - direct: the normalised image repeated at every step; the stem's conv + tdBN + LIF makes the spikes
 *   (SpikeBottleNet 3.4);
 * - poisson: rate coding, a spike with probability clip(x, 0, 1) at every step, drawn from an `Rng`;
 * - frames: event frames already folded `[T*B, H, W, C]` (DVS streams), passed through.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../util/rng';
import { repeatTime } from './time';

export interface InputEncoder {
  readonly kind: 'direct' | 'poisson' | 'frames';
  /** Whether the encoded input is spikes (then a model reports it to observers as the activation 'input'). */
  readonly spiking: boolean;
  /** Input rows: B images `[B, H, W, C]`, or T*B frames for 'frames'. Output `[T*B, H, W, C]`. */
  encode(x: tf.Tensor, T: number): tf.Tensor;
}

function checkRank4(kind: string, x: tf.Tensor): void {
  if (x.rank !== 4)
    throw new RangeError(`${kind} encoder expects a rank-4 NHWC batch, got shape [${x.shape.join(', ')}]`);
}

export function directEncoder(): InputEncoder {
  return {
    kind: 'direct',
    spiking: false,
    encode(x, T) {
      checkRank4('direct', x);
      return repeatTime(x, T);
    },
  };
}

/** Bernoulli spikes, step-major like the folded tensor; the same Rng state gives the same spikes on any backend. */
export function poissonEncoder(rng: Rng): InputEncoder {
  return {
    kind: 'poisson',
    spiking: true,
    encode(x, T) {
      checkRank4('poisson', x);
      const draws = new Float32Array(x.size * T);
      for (let i = 0; i < draws.length; i++) draws[i] = rng.next();
      return tf.tidy(() => {
        const p = repeatTime(tf.clipByValue(x, 0, 1), T);
        return tf.cast(tf.less(tf.tensor(draws, p.shape), p), 'float32');
      });
    },
  };
}

export function frameEncoder(): InputEncoder {
  return {
    kind: 'frames',
    spiking: true,
    encode(x, T) {
      checkRank4('frames', x);
      if (x.shape[0] % T !== 0)
        throw new RangeError(
          `frames encoder expects [T*B, H, W, C] with T = ${T} dividing the rows, got shape [${x.shape.join(', ')}]`,
        );
      return tf.clone(x);
    },
  };
}
