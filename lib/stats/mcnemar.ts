/**
 * The exact McNemar test of paired binary outcomes (two classifiers on the same images): of the n = b + c
 * discordant pairs, b are right only under the first and c only under the second. Under the null hypothesis
 * (equal accuracy) b ~ Binomial(n, 1/2), and the two-sided p-value is
 *
 *   p = min(1, 2 sum_{k=0}^{min(b, c)} C(n, k) / 2^n),   and p = 1 when n = 0.
 *
 * Summed in log space, so it holds for the tens of thousands of discordant pairs of a large test set.
 */

function logSumExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

export function mcnemarExactP(firstOnly: number, secondOnly: number): number {
  for (const [name, v] of [
    ['firstOnly', firstOnly],
    ['secondOnly', secondOnly],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`mcnemarExactP: ${name} must be a whole number >= 0 (discordant pairs), got ${v}`);
  }
  const n = firstOnly + secondOnly;
  if (n === 0) return 1;
  const m = Math.min(firstOnly, secondOnly);
  let logTerm = -n * Math.LN2; // log C(n, 0) / 2^n
  let logTail = logTerm;
  for (let k = 0; k < m; k++) {
    logTerm += Math.log((n - k) / (k + 1)); // C(n, k+1) = C(n, k) (n - k) / (k + 1)
    logTail = logSumExp(logTail, logTerm);
  }
  return Math.min(1, 2 * Math.exp(logTail));
}
