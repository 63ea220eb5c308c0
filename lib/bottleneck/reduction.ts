/**
 * A bottleneck's reduction: from a split point's feature `[h, w, c]` (per image, per step) to the transmitted
 * `[h', w', c']`, and the convolution geometry that does it (SpikeBottleNet 3.5: "choosing appropriate filter
 * sizes and adjusting convolution kernel strides").
 *
 * Space shrinks by one integer factor f = h / h' = w / w':
 *   f >= 2: encoder conv f x f, stride f, no padding (non-overlapping windows, so h' = h / f exactly);
 *           decoder deconv f x f, stride f, no padding ((h' - 1) f + f = h);
 *   f = 1:  encoder conv 3 x 3, stride 1, padding 1 (channel reduction that still sees a neighbourhood);
 *           decoder deconv 3 x 3, stride 1, padding 1 ((h - 1) - 2 + 3 = h).
 * Channels go from c to any c' in [1, c].
 */
import { Shape3 } from '../models/backbone';

export interface Reduction {
  /** The split point's feature `[h, w, c]`. */
  readonly from: Shape3;
  /** The transmitted feature `[h', w', c']`. */
  readonly to: Shape3;
  /** Spatial factor h / h'. */
  readonly factor: number;
  /** Square kernel side of the encoder conv and the decoder deconv. */
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
}

/** Every `[h', w']` that one integer factor reaches from `[h, w]`, largest first. */
export function reducedSizes([h, w]: Shape3): [number, number][] {
  const sizes: [number, number][] = [];
  for (let f = 1; f <= Math.min(h, w); f++) if (h % f === 0 && w % f === 0) sizes.push([h / f, w / f]);
  return sizes;
}

/**
 * The reduction of `from` to `channels` channels and spatial `size` `[h', w']` (default: `from`'s, channel
 * reduction only). Throws a RangeError naming `channels` or `size` and the accepted values.
 */
export function reduction(from: Shape3, channels: number, size?: readonly [number, number]): Reduction {
  const [h, w, c] = from;
  if (!Number.isInteger(channels) || channels < 1 || channels > c) {
    throw new RangeError(
      `channels (c') must be an integer in [1, ${c}] for a ${h}x${w}x${c} split point, got ${channels}`,
    );
  }
  const [h2, w2] = size ?? [h, w];
  const accepted = reducedSizes(from);
  if (!accepted.some(([a, b]) => a === h2 && b === w2)) {
    throw new RangeError(
      `size ${h2}x${w2} does not reduce the split point's ${h}x${w} by one integer factor; expected one of ${accepted.map(([a, b]) => `${a}x${b}`).join(', ')}`,
    );
  }
  const factor = h / h2;
  const geometry = factor === 1 ? { kernel: 3, stride: 1, padding: 1 } : { kernel: factor, stride: factor, padding: 0 };
  return { from: [h, w, c], to: [h2, w2, channels], factor, ...geometry };
}
