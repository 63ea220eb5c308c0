/** A table keyed by split point (per-split-point rates, T, transmitted bits): checked against a model's split points. */

export const quoted = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');

/** Throws unless `table` has an entry for each split point, no other key, and every value passes `valid`. */
export function checkSplitPointTable(
  what: string,
  table: Readonly<Record<string, unknown>>,
  splits: readonly string[],
  valid: (v: unknown) => boolean,
  expected: string,
): void {
  const unknown = Object.keys(table).filter((k) => !splits.includes(k));
  const missing = splits.filter((s) => !Object.hasOwn(table, s));
  const invalid = Object.entries(table).filter(([, v]) => !valid(v));
  const problems = [
    ...(unknown.length > 0 ? [`unknown split point(s) ${quoted(unknown)}`] : []),
    ...(missing.length > 0 ? [`none for ${quoted(missing)}`] : []),
    ...invalid.map(([k, v]) => `'${k}' is ${JSON.stringify(v)}`),
  ];
  if (problems.length > 0)
    throw new RangeError(`${what}: ${problems.join('; ')}; expected ${expected} for each of ${splits.join(', ')}`);
}
