// The exact McNemar test against binomial sums computed by hand (and, for large n, with exact rationals).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mcnemarExactP } from 'spikesplit';

test('exact McNemar p-values equal the hand-computed binomial sums', () => {
  // p = 2 sum_{k <= min(b, c)} C(b + c, k) / 2^(b + c)
  assert.equal(mcnemarExactP(0, 0), 1); // no discordant pair: no evidence
  assert.equal(mcnemarExactP(1, 0), 1); // 2 (1/2) = 1
  assert.ok(Math.abs(mcnemarExactP(5, 1) - 14 / 64) < 1e-15); // 2 (1 + 6) / 64
  assert.ok(Math.abs(mcnemarExactP(10, 2) - 158 / 4096) < 1e-15); // 2 (1 + 12 + 66) / 4096
  assert.ok(Math.abs(mcnemarExactP(0, 6) - 2 / 64) < 1e-15);
  assert.equal(mcnemarExactP(3, 3), 1);
  assert.equal(mcnemarExactP(12, 5), mcnemarExactP(5, 12)); // symmetric
});

test('large discordant counts: exact rationals, no underflow', () => {
  // Computed with Python's fractions.Fraction and math.comb.
  for (const [b, c, p] of [
    [1040, 960, 0.07728689056266842],
    [5100, 4900, 0.04658552770494739],
    [60, 0, 1.734723475976807e-18],
  ]) {
    const got = mcnemarExactP(b, c);
    assert.ok(Math.abs(got - p) <= 1e-9 * p, `mcnemarExactP(${b}, ${c}) = ${got}, expected ${p}`);
  }
});

test('bad counts name what is wrong', () => {
  assert.throws(() => mcnemarExactP(-1, 2), /firstOnly must be a whole number >= 0/);
  assert.throws(() => mcnemarExactP(1, 2.5), /secondOnly must be a whole number >= 0/);
});
