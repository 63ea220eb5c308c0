import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  deviceEnergyPerStepPJ,
  earlyExit,
  chooseExitThreshold,
  earlyExitSweep,
  energyReport,
  energyTable,
  exitTrace,
  initBackend,
  spikingResNet18,
} from 'spikesplit';

before(async () => {
  await initBackend('wasm', () => {});
});

/** Softmax of a short vector, written out: the truth the running-mean confidences are checked against. */
function softmax(v: number[]): number[] {
  const e = v.map((x) => Math.exp(x));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}
const maxSoftmax = (v: number[]) => Math.max(...softmax(v));
const margin = (v: number[]) => {
  const [a, b] = softmax(v).sort((x, y) => y - x);
  return a - b;
};

// T = 3 steps, B = 2 samples, 3 classes. Running means of the logits:
//   sample 0: [2, 0, 0] -> [1, 0, 0] -> [2/3, 1, 0]       max softmax 0.787, 0.576, 0.480
//   sample 1: [0, 0, 0] -> [0, 2, 0] -> [0, 4/3, 0]       max softmax 0.333, 0.787, 0.655 (margin 0 at step 1)
const STEPS = [
  [
    [2, 0, 0],
    [0, 0, 0],
  ],
  [
    [0, 0, 0],
    [0, 4, 0],
  ],
  [
    [0, 3, 0],
    [0, 0, 0],
  ],
];

test('early exit: hand-computed running means, exits and confidences', () => {
  const logits = tf.tensor3d(STEPS);
  const at07 = earlyExit(logits, { threshold: 0.7, confidence: 'max-softmax' });
  assert.deepEqual([...at07.stepsUsed], [1, 2]);
  assert.deepEqual([...at07.predicted], [0, 1]);
  assert.ok(Math.abs(at07.confidence[0] - maxSoftmax([2, 0, 0])) < 1e-12);
  assert.ok(Math.abs(at07.confidence[1] - maxSoftmax([0, 2, 0])) < 1e-12);

  // 0.8 is never passed: both use all 3 steps and answer from the mean of all of them.
  const at08 = earlyExit(logits, { threshold: 0.8, confidence: 'max-softmax' });
  assert.deepEqual([...at08.stepsUsed], [3, 3]);
  assert.deepEqual([...at08.predicted], [1, 1]);
  assert.ok(Math.abs(at08.confidence[0] - maxSoftmax([2 / 3, 1, 0])) < 1e-12);
  assert.ok(Math.abs(at08.confidence[1] - maxSoftmax([0, 4 / 3, 0])) < 1e-12);

  // margin: 0.680 at sample 0's first step; sample 1 has a three-way tie (margin 0) first, then 0.680.
  const byMargin = earlyExit(logits, { threshold: 0.5, confidence: 'margin' });
  assert.deepEqual([...byMargin.stepsUsed], [1, 2]);
  assert.ok(Math.abs(byMargin.confidence[0] - margin([2, 0, 0])) < 1e-12);
  assert.ok(Math.abs(byMargin.confidence[1] - margin([0, 2, 0])) < 1e-12);
  // a 0 threshold must be exceeded: the tie (margin exactly 0) does not exit.
  assert.deepEqual([...earlyExit(logits, { threshold: 0, confidence: 'margin' }).stepsUsed], [1, 2]);
  logits.dispose();
});

test('early exit: threshold 1 uses all T steps, threshold 0 uses one (max softmax)', () => {
  const logits = tf.randomNormal([5, 7, 10], 0, 3, 'float32', 1);
  for (const confidence of ['max-softmax', 'margin'] as const) {
    assert.ok(
      earlyExit(logits, { threshold: 1, confidence }).stepsUsed.every((s) => s === 5),
      confidence,
    );
  }
  assert.ok(earlyExit(logits, { threshold: 0, confidence: 'max-softmax' }).stepsUsed.every((s) => s === 1));
  logits.dispose();
});

test("early exit every 2 steps (a compressed model's groups) checks only after steps 2 and 4", () => {
  const B = 40;
  const logits = tf.randomNormal([4, B, 10], 0, 2, 'float32', 11);
  const trace = exitTrace(logits, 'max-softmax');
  const exits = earlyExit(logits, { threshold: 0.6, confidence: 'max-softmax', exitEvery: 2 });
  for (let b = 0; b < B; b++) {
    const steps = trace.confidence[1 * B + b] > 0.6 ? 2 : 4;
    assert.equal(exits.stepsUsed[b], steps, `sample ${b}`);
    assert.equal(exits.predicted[b], trace.predicted[(steps - 1) * B + b]);
  }
  assert.ok(exits.stepsUsed.includes(2) && exits.stepsUsed.includes(4), 'both exits occur in this example');
  assert.throws(
    () => earlyExit(logits, { threshold: 0.6, confidence: 'margin', exitEvery: 3 }),
    /exitEvery must be a positive integer dividing T = 4, got 3/,
  );
  logits.dispose();
});

test('early exit: bad thresholds, confidences and shapes are named', () => {
  const logits = tf.zeros([2, 3, 4]);
  assert.throws(
    () => earlyExit(logits, { threshold: 1.5, confidence: 'margin' }),
    /threshold: expected a number in \[0, 1\], got 1.5/,
  );
  assert.throws(
    () => earlyExit(logits, { threshold: 0.5, confidence: 'entropy' as never }),
    /expected one of max-softmax, margin, got 'entropy'/,
  );
  const flat = tf.zeros([3, 4]);
  assert.throws(
    () => earlyExit(flat, { threshold: 0.5, confidence: 'margin' }),
    /expected per-step logits \[T, B, classes\].*got shape \[3, 4\]/,
  );
  tf.dispose([logits, flat]);
});

test('early-exit sweep: steps grow with the threshold, costs scale with steps, the ends match plain inference', () => {
  const T = 6,
    B = 64,
    C = 10;
  const logits = tf.randomNormal([T, B, C], 0, 2, 'float32', 7);
  const labels = Array.from({ length: B }, (_, b) => (b * 7) % C);
  const thresholds = [0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.99, 1];
  const rows = earlyExitSweep(logits, labels, {
    thresholds,
    confidence: 'max-softmax',
    bitsPerStep: 100,
    deviceEnergyPerStepPJ: 2.5,
    seed: 1,
  });
  assert.deepEqual(
    rows.map((r) => r.threshold),
    thresholds,
  );
  for (let i = 1; i < rows.length; i++)
    assert.ok(rows[i].meanSteps >= rows[i - 1].meanSteps, `steps ${rows.map((r) => r.meanSteps).join(' ')}`);
  for (const r of rows) {
    assert.ok(Math.abs(r.bits - 100 * r.meanSteps) < 1e-9);
    assert.ok(Math.abs(r.deviceEnergyPJ - 2.5 * r.meanSteps) < 1e-9);
    // Bootstrap intervals over the images hold the estimates; bits and energy are the steps' interval scaled.
    assert.ok(r.accuracyInterval.lower <= r.accuracy && r.accuracy <= r.accuracyInterval.upper);
    assert.ok(r.meanStepsInterval.lower <= r.meanSteps && r.meanSteps <= r.meanStepsInterval.upper);
    assert.ok(
      Math.abs(r.bitsInterval.upper - 100 * r.meanStepsInterval.upper) < 1e-9 &&
        Math.abs(r.deviceEnergyPJInterval.lower - 2.5 * r.meanStepsInterval.lower) < 1e-9,
    );
  }
  // Every image exits at the first step at threshold 0 and runs all T at 1: no spread in the steps.
  assert.deepEqual(rows[0].meanStepsInterval, { lower: 1, upper: 1 });
  assert.deepEqual(rows[rows.length - 1].meanStepsInterval, { lower: T, upper: T });
  assert.ok(
    rows[0].accuracyInterval.upper - rows[0].accuracyInterval.lower > 0.05,
    'an accuracy over 64 images is uncertain',
  );
  const accuracyOf = (l: tf.Tensor) => {
    const predicted = tf.argMax(l, -1).dataSync();
    return labels.filter((y, b) => predicted[b] === y).length / B;
  };
  assert.equal(rows[0].meanSteps, 1);
  assert.equal(rows[0].accuracy, accuracyOf(tf.gather(logits, 0)));
  assert.equal(rows[rows.length - 1].meanSteps, T);
  assert.equal(rows[rows.length - 1].accuracy, accuracyOf(tf.mean(logits, 0)));
  assert.throws(
    () =>
      earlyExitSweep(logits, labels.slice(1), {
        thresholds,
        confidence: 'margin',
        bitsPerStep: 1,
        deviceEnergyPerStepPJ: 1,
        seed: 1,
      }),
    /63 labels .* expected one label per sample \(64\)/,
  );
  logits.dispose();
});

test('exits read off a full pass equal shorter passes: step t of T-step logits is what t steps give (inference)', () => {
  // momentum 1: one training-mode pass sets the running statistics (an untrained model's initial ones silence it)
  const model = spikingResNet18({ width: 1 / 16, T: 4, classes: 10, seed: 3, momentum: 1 });
  const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 4);
  tf.dispose(model.forward(x, { training: true }));
  const full = model.forwardSteps(x); // [4, 2, 10]
  const short = model.forwardSteps(x, { T: 2 }); // [2, 2, 10]
  const head = tf.slice(full, [0, 0, 0], [2, 2, 10]);
  const tail = tf.slice(full, [2, 0, 0], [2, 2, 10]);
  assert.ok(tf.max(tf.abs(tf.sub(head, short))).dataSync()[0] < 1e-5);
  assert.ok(
    tf.max(tf.abs(tf.sub(head, tail))).dataSync()[0] > 1e-3,
    'the logits change over time (the check is not vacuous)',
  );
  tf.dispose([full, short, head, tail, x]);
  model.dispose();
});

test('device energy per step is the report at T = 1', () => {
  const model = spikingResNet18({ width: 1 / 16, T: 2, classes: 10, seed: 3 });
  const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 5);
  const report = energyTable(model, x, { hardware: '45nm', T: 2 });
  const rates = {
    per: 'layer' as const,
    rates: Object.fromEntries(report.layers.filter((l) => l.counted).map((l) => [l.inputFrom!, l.inputRate!])),
  };
  const oneStep = energyReport(model, { network: 'snn', hardware: '45nm', firingRates: rates, T: 1 });
  for (const split of ['RB2', 'RB5', 'RB8']) {
    const expected = oneStep.rows.find((r) => r.split === split)!.cumulativeEnergyPJ;
    assert.ok(expected > 0);
    assert.ok(Math.abs(deviceEnergyPerStepPJ(report, split) - expected) < 1e-9 * expected, split);
  }
  assert.throws(() => deviceEnergyPerStepPJ(report, 'RB99'), /no split point 'RB99'; expected one of RB1/);
  x.dispose();
  model.dispose();
});

test('the threshold rule: the smallest threshold within the drop of threshold 1, a drop of exactly the limit included', () => {
  const rows = [
    { threshold: 0.9, accuracy: 0.58 },
    { threshold: 0, accuracy: 0.3 },
    { threshold: 1, accuracy: 0.6 },
    { threshold: 0.5, accuracy: 0.5 },
  ];
  assert.equal(chooseExitThreshold(rows, 0.02).threshold, 0.9); // 0.6 - 0.58 is 0.020000000000000018
  assert.equal(chooseExitThreshold(rows, 0.1).threshold, 0.5);
  assert.equal(chooseExitThreshold(rows, 0).threshold, 1);
  // Without threshold 1, the largest threshold is the full pass.
  assert.equal(chooseExitThreshold(rows.slice(0, 2), 0.05).threshold, 0.9);
  assert.throws(() => chooseExitThreshold([], 0.02), /expected at least one row/);
});
