import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryEntropyBits, entropyCodingStats, entropyDecode, entropyEncode, Rng } from 'spikesplit';

// Binary entropy written out here, independent of the library's.
const H = (p: number) => (p <= 0 || p >= 1 ? 0 : -p * Math.log2(p) - (1 - p) * Math.log2(1 - p));
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function independentSpikes(rng: Rng, count: number, rate: number): Uint8Array {
  return Uint8Array.from({ length: count }, () => (rng.next() < rate ? 1 : 0));
}

function roundTrip(spikes: Uint8Array, shape: number[], T: number): Uint8Array {
  const coded = entropyEncode(spikes, shape, T);
  assert.deepEqual(entropyDecode(coded, shape, T), spikes, `shape [${shape}] T ${T}`);
  return coded;
}

test('entropy round trip on random shapes, T and firing rates', () => {
  const rng = new Rng(5);
  for (let trial = 0; trial < 300; trial++) {
    const T = 1 + rng.int(4);
    const rank = 1 + rng.int(5);
    const shape = [T * (1 + rng.int(3)), ...Array.from({ length: rank - 1 }, () => 1 + rng.int(7))];
    const rate = [0, 0.01, 0.1, 0.3, 0.5, 0.9, 1][trial % 7];
    roundTrip(independentSpikes(rng, size(shape), rate), shape, T);
  }
});

test('entropy edge cases: empty, all zeros, all ones, odd sizes, Float32 input', () => {
  for (const shape of [[0], [4, 0, 3, 3], [0, 2, 2, 2]]) roundTrip(new Uint8Array(0), shape, 2);
  const big = [4 * 8, 16, 16, 8];
  const zeros = roundTrip(new Uint8Array(size(big)), big, 4);
  const ones = roundTrip(new Uint8Array(size(big)).fill(1), big, 4);
  assert.ok(
    zeros.length * 8 < size(big) / 100 && ones.length * 8 < size(big) / 100,
    `constant tensors: ${zeros.length}, ${ones.length} bytes`,
  );
  const shape = [4 * 3, 5, 7, 3]; // no dimension a multiple of 8
  roundTrip(new Uint8Array(size(shape)).fill(1), shape, 4);
  const spikes = independentSpikes(new Rng(2), size(shape), 0.2);
  assert.deepEqual(entropyEncode(Float32Array.from(spikes), shape, 4), entropyEncode(spikes, shape, 4));
});

test('independent spikes at firing rate 0.1 code within 5% of the Shannon bound', () => {
  const shape = [4 * 8, 16, 16, 32]; // 1,048,576 spike values
  const spikes = independentSpikes(new Rng(1), size(shape), 0.1);
  const coded = roundTrip(spikes, shape, 4);
  const rate = spikes.reduce((a, b) => a + b, 0) / spikes.length;
  const boundBits = spikes.length * H(rate);
  const ratio = (coded.length * 8) / boundBits;
  assert.ok(ratio >= 1 && ratio < 1.05, `coded/bound = ${ratio.toFixed(4)}`);
  const stats = entropyCodingStats(spikes, shape, 4);
  assert.equal(stats.codedBytes, coded.length);
  assert.equal(stats.elementCount, spikes.length);
  assert.ok(Math.abs(stats.firingRate - rate) < 1e-12);
  assert.ok(Math.abs(stats.shannonBitsPerElement - H(rate)) < 1e-12);
  assert.ok(Math.abs(stats.bitsPerElement - (coded.length * 8) / spikes.length) < 1e-12);
});

test('spikes correlated in time code well below the marginal bound (the context works)', () => {
  // Each position is a Markov chain over T: P(1 | 1) = 0.8, P(1 | 0) = 0.1 * 0.2 / 0.9, so the rate stays 0.1.
  const T = 8;
  const B = 4;
  const perStep = B * 16 * 16 * 16;
  const stay = 0.8;
  const start = (0.1 * (1 - stay)) / 0.9;
  const rng = new Rng(9);
  const spikes = new Uint8Array(T * perStep);
  for (let i = 0; i < perStep; i++) spikes[i] = rng.next() < 0.1 ? 1 : 0;
  for (let i = perStep; i < spikes.length; i++) spikes[i] = rng.next() < (spikes[i - perStep] ? stay : start) ? 1 : 0;
  const coded = roundTrip(spikes, [T * B, 16, 16, 16], T);
  const rate = spikes.reduce((a, b) => a + b, 0) / spikes.length;
  const marginalBits = spikes.length * H(rate);
  const chainBits = perStep * (H(0.1) + (T - 1) * (0.9 * H(start) + 0.1 * H(stay)));
  const codedBits = coded.length * 8;
  assert.ok(codedBits < 0.55 * marginalBits, `coded ${codedBits} bits vs marginal bound ${marginalBits.toFixed(0)}`);
  assert.ok(codedBits < 1.05 * chainBits, `coded ${codedBits} bits vs Markov-chain bound ${chainBits.toFixed(0)}`);
});

test('binaryEntropyBits', () => {
  assert.equal(binaryEntropyBits(0.5), 1);
  assert.equal(binaryEntropyBits(0), 0);
  assert.equal(binaryEntropyBits(1), 0);
  assert.ok(Math.abs(binaryEntropyBits(0.1) - 0.4689955935892812) < 1e-15);
  assert.throws(() => binaryEntropyBits(1.5), /probability is 1.5; expected a number in \[0, 1\]/);
});

test('entropy coder rejects bad input with clear messages', () => {
  assert.throws(() => entropyEncode(Uint8Array.from([0, 1, 2, 0]), [4], 1), /flat index 2 is 2; expected 0 or 1/);
  assert.throws(() => entropyEncode(new Uint8Array(6), [6, 1], 4), /6 rows, not a multiple of T = 4/);
  assert.throws(() => entropyEncode(new Uint8Array(6), [2, 3], 0), /T is 0; expected a positive integer/);
  assert.throws(() => entropyEncode(new Uint8Array(6), [2, 4], 2), /holds 8 elements but the spike array has 6/);
  const shape = [2, 8, 8, 4];
  const coded = entropyEncode(independentSpikes(new Rng(4), size(shape), 0.2), shape, 2);
  assert.throws(() => entropyDecode(coded.subarray(0, coded.length - 1), shape, 2), /decoding 2x8x8x4 spikes consumed/);
  const longer = new Uint8Array(coded.length + 1);
  longer.set(coded);
  assert.throws(() => entropyDecode(longer, shape, 2), /has \d+ bytes but decoding/);
});
