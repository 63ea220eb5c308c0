/**
 * The Wilson score interval of a binomial proportion (Wilson 1927; Agresti and Coull 1998): for k successes in
 * n trials and the normal quantile z,
 *
 *   centre = (k + z^2/2) / (n + z^2),  half-width = z sqrt(k (n - k) / n + z^2/4) / (n + z^2).
 *
 * Unlike the normal (Wald) interval it stays inside [0, 1] and is not empty at k = 0 or k = n.
 */
import { Z_95, type Interval } from './interval';

export function wilsonInterval(successes: number, trials: number, z = Z_95): Interval {
  if (!Number.isInteger(trials) || trials < 1)
    throw new RangeError(`wilsonInterval: trials must be a positive whole number, got ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`wilsonInterval: successes must be a whole number in [0, ${trials}], got ${successes}`);
  }
  if (!(z > 0)) throw new RangeError(`wilsonInterval: z must be > 0, got ${z}`);
  const z2 = z * z;
  const centre = (successes + z2 / 2) / (trials + z2);
  const half = (z * Math.sqrt((successes * (trials - successes)) / trials + z2 / 4)) / (trials + z2);
  // At k = 0 (or n) the bound is exactly 0 (or 1); rounding must not move it outside [0, 1].
  return {
    lower: successes === 0 ? 0 : Math.max(0, centre - half),
    upper: successes === trials ? 1 : Math.min(1, centre + half),
  };
}
