/** A confidence interval and the level every interval in spikesplit is reported at. */

/** Lower and upper bound of a confidence interval, in the unit of the estimate. */
export interface Interval {
  lower: number;
  upper: number;
}

/** The confidence level of every reported interval: 95%. */
export const CONFIDENCE_LEVEL = 0.95;

/** The standard normal quantile at 1 - (1 - 0.95) / 2 (two-sided 95%). */
export const Z_95 = 1.959963984540054;

/** Throws unless `level` is in (0, 1). */
export function checkLevel(level: number, where: string): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`${where}: confidence level must be in (0, 1), got ${level}`);
}
