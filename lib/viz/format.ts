/** Numbers as table cells show them: rounded, in the unit the column names. */

/** `x` rounded to `digits` decimals, as a number. */
export function roundTo(x: number, digits: number): number {
  if (!Number.isInteger(digits) || digits < 0) throw new RangeError(`roundTo: digits must be a whole number >= 0; got ${digits}`);
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
