/**
 * The context model of the entropy coder: how a time-major spike tensor is read, and which already-coded
 * spikes predict the next one.
 *
 * Layout: shape `[T*B, ...spatial, C]`, time-major (step t of sample b at row t*B + b), row-major inside.
 * The last dimension is the channel C, the one before it the width W, and any between the first and those
 * two are folded into the height H: `[N]` is read as [N, 1, 1, 1], `[N, C]` as [N, 1, 1, C],
 * `[N, W, C]` as [N, 1, W, C], `[N, H, W, C]` as is.
 *
 * Context of the spike at (t, b, y, x, c), one of 24:
 *   - the same position at the previous time step (0, 1, or "none" at t = 0),
 *   - the left neighbour (y, x-1, c), the upper neighbour (y-1, x, c) and the previous channel (y, x, c-1)
 *     of the same row, each 0 outside the tensor.
 */
import { shapeSize } from './spikes';

/** Number of distinct contexts `spikeContext` returns. */
export const SPIKE_CONTEXTS = 24;

/** `previous` at the first time step, where there is no previous one. */
export const NO_PREVIOUS = 2;

/** The context (0..23) of a spike from its neighbours: `previous` is 0, 1 or NO_PREVIOUS, the rest 0 or 1. */
export function spikeContext(previous: number, left: number, up: number, channel: number): number {
  return (previous << 3) | (left << 2) | (up << 1) | channel;
}

/** A spike tensor's shape read as time-major [T*B, H, W, C]. */
export interface TimeMajorLayout {
  rows: number; // T*B
  height: number;
  width: number;
  channels: number;
  stepSize: number; // elements per time step: B*H*W*C
}

/**
 * Reads `shape` as time-major `[T*B, H, W, C]` (see the module comment). Throws a RangeError unless T is a
 * positive integer dividing the first dimension and every dimension is a non-negative integer.
 */
export function timeMajorLayout(shape: readonly number[], T: number): TimeMajorLayout {
  shapeSize(shape);
  if (shape.length === 0) throw new RangeError('spike shape is [] (a scalar); expected [T*B, ...] with rank >= 1');
  if (!Number.isSafeInteger(T) || T < 1) throw new RangeError(`T is ${T}; expected a positive integer`);
  const rows = shape[0];
  if (rows % T !== 0) {
    throw new RangeError(
      `shape [${shape.join(', ')}] has ${rows} rows, not a multiple of T = ${T}; expected [T*B, ...]`,
    );
  }
  const rank = shape.length;
  const channels = rank >= 2 ? shape[rank - 1] : 1;
  const width = rank >= 3 ? shape[rank - 2] : 1;
  let height = 1;
  for (let d = 1; d < rank - 2; d++) height *= shape[d];
  return { rows, height, width, channels, stepSize: (rows / T) * height * width * channels };
}
