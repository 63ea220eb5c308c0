// Early exit over loopback: the server's exits (prediction and steps used per image) equal NeuCODEX's
// `earlyExit` on the joint model's per-step logits, without and with learned temporal compression.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  compressedEnds,
  createDevice,
  createServer,
  earlyExit,
  exitTrace,
  initBackend,
  insertBottleneck,
  spikingResNet18,
  TemporallyCompressedModel,
  type ExitConfidence,
  type SplitHead,
  type SplitTail,
} from 'spikesplit';
import { smallSplitModel, TOKEN, type SmallSplitModel } from './fixture';

let fx: SmallSplitModel;

before(async () => {
  await initBackend('wasm', () => {});
  fx = smallSplitModel();
});

after(() => fx.dispose());

/** Thresholds 0, 1 and one between that splits the images: the median confidence after the first check. */
function thresholds(stepLogits: tf.Tensor, confidence: ExitConfidence, group: number): number[] {
  const trace = exitTrace(stepLogits, confidence);
  const first = Array.from(trace.confidence.subarray((group - 1) * trace.B, group * trace.B)).sort((a, b) => a - b);
  return [0, 1, first[Math.floor(first.length / 2)] - 1e-9];
}

/** For every threshold and both confidences: one request per image, then both images in one request. */
async function checkExits(
  head: SplitHead,
  tail: SplitTail,
  jointStepLogits: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
): Promise<void> {
  const server = await createServer({ tail, port: 0, token: TOKEN });
  const client = await createDevice({ url: server.url, token: TOKEN, head });
  const stepLogits = jointStepLogits(x); // [T, B, classes]
  try {
    const B = x.shape[0];
    for (const confidence of ['max-softmax', 'margin'] as const) {
      const cuts = thresholds(stepLogits, confidence, tail.group);
      for (const threshold of cuts) {
        const truth = earlyExit(stepLogits, { threshold, confidence, exitEvery: tail.group });
        const label = `${confidence} > ${threshold}`;
        for (let b = 0; b < B; b++) {
          const image = tf.slice(x, b, 1);
          const r = await client.inferEarlyExit(image, { threshold, confidence });
          image.dispose();
          assert.deepEqual(r.predictions, [truth.predicted[b]], label);
          assert.deepEqual(r.exit?.stepsUsed, [truth.stepsUsed[b]], label);
          assert.equal(r.messages, truth.stepsUsed[b] / tail.group, label);
          assert.ok(Math.abs(r.exit!.confidence[0] - truth.confidence[b]) < 1e-5, label);
        }
        const both = await client.inferEarlyExit(x, { threshold, confidence });
        assert.deepEqual(both.predictions, Array.from(truth.predicted), label);
        assert.deepEqual(both.exit?.stepsUsed, Array.from(truth.stepsUsed), label);
        assert.equal(both.messages, Math.max(...truth.stepsUsed) / tail.group, label);
      }
      // the thresholds exercise both outcomes: everything at the first check, and everything at T
      const never = earlyExit(stepLogits, { threshold: 1, confidence, exitEvery: tail.group });
      assert.ok(never.stepsUsed.every((s) => s === tail.T));
    }
  } finally {
    stepLogits.dispose();
    await client.close();
    await server.close();
  }
}

test("early exit over loopback equals earlyExit on the joint model's per-step logits (every step sent, T = 2)", async () => {
  await checkExits(fx.head, fx.tail, (x) => fx.model.forwardSteps(x), fx.x);
});

test('early exit with temporal compression (T = 4 sent as 2 steps) equals earlyExit checked after whole groups; a whole frame equals the joint model', async () => {
  const backbone = spikingResNet18({ width: 1 / 16, T: 4, classes: 10, seed: 5, momentum: 1 });
  const model = insertBottleneck(backbone, 'RB2', { channels: 2 }, { seed: 6, momentum: 1 });
  const compressed = new TemporallyCompressedModel(model, { sentSteps: 2, momentum: 1 });
  const x = tf.randomUniform([3, 32, 32, 3], 0, 1, 'float32', 12);
  try {
    compressed.forward(x, { training: true }).dispose(); // running statistics from this batch, so it fires
    const { head, tail } = compressedEnds(compressed);
    assert.deepEqual([tail.sentSteps, tail.group], [2, 2]);
    await checkExits(head, tail, (input) => compressed.forwardSteps(input), x);

    const server = await createServer({ tail, port: 0, token: TOKEN });
    const client = await createDevice({ url: server.url, token: TOKEN, head });
    try {
      const joint = compressed.forward(x);
      const truth = joint.arraySync() as number[][];
      joint.dispose();
      assert.ok(new Set(truth.flat()).size > 10, 'the model fires: its logits vary');
      const r = await client.infer(x);
      assert.deepEqual(r.logits, truth);
      assert.equal(r.steps, 4);
    } finally {
      await client.close();
      await server.close();
    }
  } finally {
    x.dispose();
    compressed.dispose();
    model.dispose();
    backbone.dispose();
  }
});
