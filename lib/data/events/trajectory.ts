/**
 * Camera motion for the DVS emulator: the scene's shift on the sensor at each time step, in sensor pixels
 * (positive dx moves the scene right, positive dy moves it down).
 */
import { Rng } from '../../util/rng';

export interface Trajectory {
  dxPx: Float64Array; // [steps] horizontal shift of the scene
  dyPx: Float64Array; // [steps] vertical shift of the scene
}

const HARMONICS = 2;

/**
 * A smooth closed loop, as the CIFAR10-DVS images were moved in small repeated loops in front of the camera:
 * dx(s) and dy(s), s = 0..1, are random Fourier series of `HARMONICS` harmonics (amplitude of harmonic k ~ 1/k)
 * shifted to start at (0, 0) and scaled so that the farthest sampled point lies `amplitudePx` from the start.
 * Step i is at s = i / (steps - 1), so the last step is back at the start.
 */
export function smoothLoopTrajectory(steps: number, amplitudePx: number, rng: Rng): Trajectory {
  if (!Number.isInteger(steps) || steps < 2)
    throw new RangeError(`smoothLoopTrajectory: steps is ${steps}; expected an integer >= 2`);
  if (!(amplitudePx >= 0) || !Number.isFinite(amplitudePx)) {
    throw new RangeError(`smoothLoopTrajectory: amplitudePx is ${amplitudePx}; expected a finite number >= 0`);
  }
  const coefficients = Array.from({ length: HARMONICS }, (_, h) => {
    const scale = 1 / (h + 1);
    return {
      xCos: rng.normal() * scale,
      xSin: rng.normal() * scale,
      yCos: rng.normal() * scale,
      ySin: rng.normal() * scale,
    };
  });
  const dxPx = new Float64Array(steps);
  const dyPx = new Float64Array(steps);
  let farthestPx = 0;
  for (let i = 0; i < steps; i++) {
    const phase = (2 * Math.PI * i) / (steps - 1);
    coefficients.forEach((c, h) => {
      const cos = Math.cos((h + 1) * phase) - 1;
      const sin = Math.sin((h + 1) * phase);
      dxPx[i] += c.xCos * cos + c.xSin * sin;
      dyPx[i] += c.yCos * cos + c.ySin * sin;
    });
    farthestPx = Math.max(farthestPx, Math.hypot(dxPx[i], dyPx[i]));
  }
  const scale = farthestPx > 0 ? amplitudePx / farthestPx : 0;
  for (let i = 0; i < steps; i++) {
    dxPx[i] *= scale;
    dyPx[i] *= scale;
  }
  return { dxPx, dyPx };
}
