// The percentile bootstrap on cases with a known answer: its interval of a mean centres on the sample mean with
// the normal theory's width, it covers a known proportion about 95% of the time, and the paired bootstrap of a
// difference depends only on the discordant images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapInterval, pairedBootstrapDifference, pairedDrop, Rng, sortedQuantile } from 'spikesplit';

const mean = (v: ArrayLike<number>, ix: ArrayLike<number>) => {
  let s = 0;
  for (let k = 0; k < ix.length; k++) s += v[ix[k]];
  return s / ix.length;
};

test('the interval of a mean centres on the sample mean with the normal width', () => {
  const values = Array.from({ length: 400 }, (_, i) => i % 100); // mean 49.5, population sd sqrt((100^2 - 1) / 12)
  const i = bootstrapInterval(values.length, (ix) => mean(values, ix), { seed: 3, resamples: 4000 });
  const se = Math.sqrt((100 ** 2 - 1) / 12) / Math.sqrt(values.length);
  assert.ok(Math.abs((i.lower + i.upper) / 2 - 49.5) < 0.15 * se, `centre ${(i.lower + i.upper) / 2}`);
  const width = i.upper - i.lower;
  assert.ok(Math.abs(width - 2 * 1.96 * se) < 0.08 * 2 * 1.96 * se, `width ${width}, normal theory ${2 * 1.96 * se}`);
});

test('the same seed gives the same interval; another seed another one', () => {
  const v = [1, 0, 0, 1, 1, 1, 0, 1];
  const f = (ix: Uint32Array) => mean(v, ix);
  assert.deepEqual(bootstrapInterval(8, f, { seed: 1 }), bootstrapInterval(8, f, { seed: 1 }));
  assert.notDeepEqual(
    bootstrapInterval(8, f, { seed: 1, resamples: 50 }),
    bootstrapInterval(8, f, { seed: 2, resamples: 50 }),
  );
});

test('coverage: the interval of a proportion holds the true one about 95% of the time', () => {
  const rng = new Rng(11);
  const p = 0.3,
    n = 200,
    trials = 300;
  let covered = 0;
  for (let t = 0; t < trials; t++) {
    const x = Float64Array.from({ length: n }, () => (rng.next() < p ? 1 : 0));
    const i = bootstrapInterval(n, (ix) => mean(x, ix), { seed: t, resamples: 400 });
    if (i.lower <= p && p <= i.upper) covered++;
  }
  // Binomial(300, 0.95): 285 expected, sd 3.8; the percentile bootstrap runs slightly narrow at n = 200.
  assert.ok(covered >= 270 && covered <= 296, `covered ${covered} of ${trials}`);
});

test('paired difference: centred on (b - c) / n, as wide as its normal approximation, blind to shared errors', () => {
  const n = 1000,
    b = 80,
    c = 40; // b images right only under the first, c only under the second
  const first = new Uint8Array(n),
    second = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (i < b) first[i] = 1;
    else if (i < b + c) second[i] = 1;
    else if (i < 600) first[i] = second[i] = 1; // both right
  }
  const i = pairedBootstrapDifference(first, second, { seed: 5, resamples: 4000 });
  const d = (b - c) / n;
  const se = Math.sqrt(((b + c) / n - d * d) / n);
  assert.ok(Math.abs((i.lower + i.upper) / 2 - d) < 0.15 * se, `centre ${(i.lower + i.upper) / 2}, expected ${d}`);
  assert.ok(Math.abs(i.upper - i.lower - 2 * 1.96 * se) < 0.08 * 2 * 1.96 * se, `width ${i.upper - i.lower}`);
  // Turning shared right answers into shared wrong ones changes both accuracies, not the paired interval.
  const harder1 = first.map((v, k) => (k >= 500 ? 0 : v)),
    harder2 = second.map((v, k) => (k >= 500 ? 0 : v));
  assert.deepEqual(pairedBootstrapDifference(harder1, harder2, { seed: 5, resamples: 4000 }), i);
});

test('pairedDrop: counts, McNemar and the bootstrap agree on a clear and on a null case', () => {
  const n = 1000;
  const baseline = Uint8Array.from({ length: n }, (_, i) => (i < 600 ? 1 : 0));
  const clear = Uint8Array.from({ length: n }, (_, i) => (i < 530 ? 1 : 0)); // 70 images lost
  const d = pairedDrop(baseline, clear, { seed: 1 });
  assert.equal(d.baselineOnly, 70);
  assert.equal(d.modelOnly, 0);
  assert.ok(Math.abs(d.drop - 0.07) < 1e-12);
  assert.ok(d.lower > 0 && d.distinguishable && d.mcnemarP < 1e-15);
  const swapped = Uint8Array.from(baseline, (v, i) => (i < 20 ? 0 : i >= 600 && i < 620 ? 1 : v)); // 20 lost, 20 gained
  const nil = pairedDrop(baseline, swapped, { seed: 1 });
  assert.equal(nil.drop, 0);
  assert.equal(nil.mcnemarP, 1);
  assert.ok(nil.lower < 0 && nil.upper > 0 && !nil.distinguishable);
  assert.throws(() => pairedDrop(baseline, clear.slice(1), { seed: 1 }), /same test images; got 1000 and 999 images/);
});

test('sortedQuantile interpolates between order statistics', () => {
  assert.equal(sortedQuantile([1, 2, 3, 4], 0), 1);
  assert.equal(sortedQuantile([1, 2, 3, 4], 1), 4);
  assert.equal(sortedQuantile([1, 2, 3, 4], 0.5), 2.5);
  assert.throws(() => bootstrapInterval(0, () => 0, { seed: 1 }), /needs at least one item, got 0/);
  assert.throws(
    () => bootstrapInterval(3, () => 0, { seed: 1, level: 95 }),
    /confidence level must be in \(0, 1\), got 95/,
  );
});
