// The Wilson interval against published values (Newcombe 1998, Statistics in Medicine 17:857, Table I, method 3)
// and the textbook 8 of 10.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wilsonInterval } from 'spikesplit';

const close = (actual: number, expected: number, tol = 5e-5) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

test('Wilson score intervals equal the published ones', () => {
  for (const [k, n, lower, upper] of [
    [81, 263, 0.2553, 0.3662], // Newcombe 1998, Table I
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
    [8, 10, 0.4902, 0.9433], // the 8 of 10 of textbooks (95%)
  ]) {
    const i = wilsonInterval(k, n);
    close(i.lower, lower);
    close(i.upper, upper);
  }
});

test('Wilson intervals stay in [0, 1], contain the estimate, and narrow with n', () => {
  assert.deepEqual(wilsonInterval(10, 10).upper, 1);
  assert.deepEqual(wilsonInterval(0, 10).lower, 0);
  const small = wilsonInterval(20, 100);
  const large = wilsonInterval(2000, 10000);
  assert.ok(small.lower < 0.2 && 0.2 < small.upper);
  assert.ok(large.upper - large.lower < (small.upper - small.lower) / 5);
});

test('bad counts name what is wrong', () => {
  assert.throws(() => wilsonInterval(11, 10), /successes must be a whole number in \[0, 10\], got 11/);
  assert.throws(() => wilsonInterval(1, 0), /trials must be a positive whole number, got 0/);
  assert.throws(() => wilsonInterval(0.5, 10), /successes/);
});
