/** Numbers as table cells show them: rounded, in the unit the column names. */
import type { Interval } from '../stats/interval';

/** `x` rounded to `digits` decimals, as a number. */
export function roundTo(x: number, digits: number): number {
  if (!Number.isInteger(digits) || digits < 0)
    throw new RangeError(`roundTo: digits must be a whole number >= 0; got ${digits}`);
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A fraction as a percentage rounded to two decimals (0.1234 -> 12.34). */
export function percent(fraction: number): number {
  return roundTo(100 * fraction, 2);
}

/** `x` to three significant digits, as a number (for energies spanning orders of magnitude). */
export function significant3(x: number): number {
  return Number(x.toPrecision(3));
}

/** A value and its interval, 'x [lower, upper]', to `digits` decimals (one by default). */
export function withInterval(x: number, interval: Interval, digits = 1): string {
  return `${x.toFixed(digits)} [${interval.lower.toFixed(digits)}, ${interval.upper.toFixed(digits)}]`;
}

/** A fraction and its interval as percentages to one decimal (0.174, [0.152, 0.199] -> '17.4 [15.2, 19.9]'). */
export function percentWithInterval(fraction: number, interval: Interval): string {
  return withInterval(100 * fraction, { lower: 100 * interval.lower, upper: 100 * interval.upper });
}

/** A p-value as a table shows it: two significant digits, or '< 0.0001'. */
export function pValue(p: number): string {
  return p < 1e-4 ? '< 0.0001' : String(Number(p.toPrecision(2)));
}
