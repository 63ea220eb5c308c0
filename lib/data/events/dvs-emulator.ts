/**
 * The DVS emulator: a static image seen by a slightly moving camera, as the CIFAR10-DVS recordings were made from
 * CIFAR-10 images moving on a monitor. The image is turned to gray intensity, drawn onto the sensor at each step's
 * sub-pixel shift with bilinear interpolation, and the frames go through the DVS pixel model (`dvs-pixel.ts`).
 *
 * Rendering: sensor pixel (col, row) at shift (dx, dy) sees image point
 * u = (col + 0.5 - dx) * W / width - 0.5, v = (row + 0.5 - dy) * H / height - 0.5 (pixel centres aligned, the image
 * stretched over the whole sensor), sampled bilinearly with edges clamped. Gray = (0.299 R + 0.587 G + 0.114 B) / 255
 * (ITU-R BT.601 luma) for RGB, value / 255 for gray. Step i is at i * durationUs / (steps - 1).
 */
import { Rng } from '../../util/rng';
import { grayIntensity } from '../gray';
import { DvsPixelOptions, eventsFromIntensityFrames, IntensityFrame } from './dvs-pixel';
import { EventStream } from './stream';
import { smoothLoopTrajectory, Trajectory } from './trajectory';

export interface DvsEmulatorOptions extends Omit<DvsPixelOptions, 'rng'> {
  /** Seeds the trajectory and the threshold mismatch. */
  seed: number;
  /** Sensor size; default the image's own size. */
  sensorSize?: { height: number; width: number };
  /** Time from the first to the last step; default 1,000,000 µs. */
  durationUs?: number;
  /** Rendered frames along the generated loop; default 100 (ignored with `trajectory`). */
  steps?: number;
  /** Largest shift of the generated loop from its start, in sensor pixels; default 1 (ignored with `trajectory`). */
  amplitudePx?: number;
  /** An explicit motion, one shift per step, instead of the generated loop. */
  trajectory?: Trajectory;
}

/** The image (gray, [H, W]) as the sensor ([height, width]) sees it with the scene shifted by (dxPx, dyPx). */
function renderShifted(
  gray: Float32Array,
  imageH: number,
  imageW: number,
  height: number,
  width: number,
  dxPx: number,
  dyPx: number,
): Float32Array {
  const out = new Float32Array(height * width);
  const clamp = (value: number, max: number) => Math.min(max, Math.max(0, value));
  for (let row = 0; row < height; row++) {
    const v = clamp(((row + 0.5 - dyPx) * imageH) / height - 0.5, imageH - 1);
    const v0 = Math.floor(v);
    const v1 = Math.min(imageH - 1, v0 + 1);
    const fv = v - v0;
    for (let col = 0; col < width; col++) {
      const u = clamp(((col + 0.5 - dxPx) * imageW) / width - 0.5, imageW - 1);
      const u0 = Math.floor(u);
      const u1 = Math.min(imageW - 1, u0 + 1);
      const fu = u - u0;
      const top = gray[v0 * imageW + u0] * (1 - fu) + gray[v0 * imageW + u1] * fu;
      const bottom = gray[v1 * imageW + u0] * (1 - fu) + gray[v1 * imageW + u1] * fu;
      out[row * width + col] = top * (1 - fv) + bottom * fv;
    }
  }
  return out;
}

/** Events a DVS would record of a static image ([H, W, C] bytes, C = 1 or 3) under seeded small camera motion. */
export function emulateDvs(
  pixels: Uint8Array,
  shape: readonly [number, number, number],
  options: DvsEmulatorOptions,
): EventStream {
  const gray = grayIntensity(pixels, shape, 'emulateDvs');
  const [imageH, imageW] = shape;
  const { height, width } = options.sensorSize ?? { height: imageH, width: imageW };
  const durationUs = options.durationUs ?? 1_000_000;
  if (!(durationUs > 0) || !Number.isFinite(durationUs))
    throw new RangeError(`emulateDvs: durationUs is ${durationUs}; expected a finite number > 0`);
  const rng = new Rng(options.seed);
  const trajectory = options.trajectory ?? smoothLoopTrajectory(options.steps ?? 100, options.amplitudePx ?? 1, rng);
  const steps = trajectory.dxPx.length;
  if (
    steps < 2 ||
    trajectory.dyPx.length !== steps ||
    ![...trajectory.dxPx, ...trajectory.dyPx].every(Number.isFinite)
  ) {
    throw new RangeError(
      `emulateDvs: trajectory has ${trajectory.dxPx.length} dx and ${trajectory.dyPx.length} dy shifts; ` +
        'expected equal counts of at least 2, all finite',
    );
  }
  function* frames(): Generator<IntensityFrame> {
    for (let i = 0; i < steps; i++) {
      yield {
        intensity: renderShifted(gray, imageH, imageW, height, width, trajectory.dxPx[i], trajectory.dyPx[i]),
        tUs: (i * durationUs) / (steps - 1),
      };
    }
  }
  return eventsFromIntensityFrames(frames(), { height, width }, { ...options, rng });
}
