/**
 * Integration of an event stream into T frames with two polarity channels, as SpikingJelly's
 * `integrate_events_by_fixed_frames_number` does for `split_by='number'` and `split_by='time'`.
 *
 * Output layout: `data` is a Float32Array of shape [T, H, W, 2] (NHWC, time-major), element
 * `((f * H + row) * W + col) * 2 + c`, channel c = polarity: 0 = OFF, 1 = ON (SpikingJelly and tonic also index
 * the channel by p). A value is the number of events of that polarity at that pixel in that frame, or 1/0 with
 * `binary`.
 *
 * Splits (N events, events taken in stream order):
 * - 'number': every frame gets floor(N / T) consecutive events and the last frame also takes the remainder
 *   (SpikingJelly's rule; with N < T only the last frame has events).
 * - 'time': the span [t_min, t_max] is cut into T windows of equal length D = (t_max - t_min) / T; frame f holds
 *   t_min + f*D <= t < t_min + (f+1)*D and the last window also holds t_max. SpikingJelly floors D to whole
 *   microseconds, which makes its last window up to T - 1 µs longer; here the windows are exactly equal. When all
 *   events share one timestamp they go to frame 0.
 *
 * Downsampling to `size` maps every event to pixel (floor(x * W / width), floor(y * H / height)) and adds it there,
 * so counts are preserved (e.g. 128x128 -> 48x48: each output pixel gathers 2 or 3 input rows and columns).
 */
import { assertEventStream, EventStream } from './stream';

export type FrameSplit = 'number' | 'time';

export interface EventFramesOptions {
  /** T, the number of frames. */
  frames: number;
  splitBy: FrameSplit;
  /** 1 where a pixel has any event of that polarity in the frame, instead of the count; default false. */
  binary?: boolean;
  /** Output size, at most the sensor size; default the stream's sensor size. */
  size?: { height: number; width: number };
}

export interface EventFrames {
  data: Float32Array; // [T, H, W, 2], channel 0 = OFF, 1 = ON
  shape: [number, number, number, 2]; // [T, H, W, 2]
}

function frameOfEventByNumber(i: number, n: number, frames: number): number {
  const perFrame = Math.floor(n / frames);
  return perFrame === 0 ? frames - 1 : Math.min(frames - 1, Math.floor(i / perFrame));
}

export function integrateEventFrames(stream: EventStream, options: EventFramesOptions): EventFrames {
  assertEventStream(stream, 'integrateEventFrames');
  const { frames, splitBy, binary = false } = options;
  if (!Number.isInteger(frames) || frames < 1) {
    throw new RangeError(`integrateEventFrames: frames is ${frames}; expected a positive integer`);
  }
  if (splitBy !== 'number' && splitBy !== 'time') {
    throw new RangeError(`integrateEventFrames: splitBy '${splitBy}' is unknown; expected 'number' or 'time'`);
  }
  const { height, width } = options.size ?? { height: stream.height, width: stream.width };
  if (
    !Number.isInteger(height) ||
    !Number.isInteger(width) ||
    height < 1 ||
    width < 1 ||
    height > stream.height ||
    width > stream.width
  ) {
    throw new RangeError(
      `integrateEventFrames: size ${height}x${width} (HxW) is invalid; expected positive integers at most the sensor's ` +
        `${stream.height}x${stream.width}`,
    );
  }
  const { x, y, p, t } = stream;
  const n = x.length;
  let tMin = Infinity;
  let tMax = -Infinity;
  for (let i = 0; i < n; i++) {
    tMin = Math.min(tMin, t[i]);
    tMax = Math.max(tMax, t[i]);
  }
  const spanUs = tMax - tMin;
  const data = new Float32Array(frames * height * width * 2);
  for (let i = 0; i < n; i++) {
    const f =
      splitBy === 'number'
        ? frameOfEventByNumber(i, n, frames)
        : spanUs > 0
          ? Math.min(frames - 1, Math.floor(((t[i] - tMin) * frames) / spanUs))
          : 0;
    const row = Math.floor((y[i] * height) / stream.height);
    const col = Math.floor((x[i] * width) / stream.width);
    const k = ((f * height + row) * width + col) * 2 + p[i];
    data[k] = binary ? 1 : data[k] + 1;
  }
  return { data, shape: [frames, height, width, 2] };
}
