// The training loop on a real (small) run: memory stays flat, and a run killed mid-epoch resumes exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readCheckpoint, type EpochRecord } from 'spikesplit';
import { CONFIG, trainRun } from './fixtures/train-run';

test('tensors are all disposed every epoch: the count after each epoch is the same', async () => {
  const counts: number[] = [];
  const before = tf.memory().numTensors;
  const { history } = await trainRun(undefined, () => counts.push(tf.memory().numTensors));
  assert.equal(history.length, CONFIG.epochs);
  assert.equal(counts.length, CONFIG.epochs);
  assert.ok(
    counts.every((c) => c === counts[0]),
    `tensor counts after each epoch: ${counts}`,
  );
  assert.equal(tf.memory().numTensors, before, 'the run leaves no tensor behind');
  assert.ok(history.every((r) => Number.isFinite(r.trainLoss) && r.testAccuracy >= 0 && r.testAccuracy <= 1));
});

test('a run killed with SIGKILL in its second epoch resumes from epoch 1 and ends as an uninterrupted run does', async () => {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-resume-'));
  const script = path.join(__dirname, 'fixtures', 'train-run.js');
  // Start a run; once epoch 1's checkpoint is written, let it go on a moment into epoch 2, then kill -9.
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [script, runDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('epoch 1 done')) setTimeout(() => child.kill('SIGKILL'), 300);
      if (chunk.toString().includes('epoch 2 done')) reject(new Error('the run finished epoch 2 before it was killed'));
    });
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`the run exited with ${code} before it was killed`)),
    );
  });
  const killed = readCheckpoint<EpochRecord>(runDir);
  assert.equal(killed?.epochs, 1, 'the checkpoint after the kill is that of epoch 1');
  // As a checkpoint written before test counts were recorded: the resumed history gets the test set's count back.
  const latest = path.join(runDir, 'checkpoint', 'latest.json');
  fs.writeFileSync(latest, JSON.stringify({ ...killed, history: killed!.history.map(({ testCount: _, ...r }) => r) }));

  const resumed = await trainRun(runDir);
  assert.equal(resumed.resumedEpochs, 1);
  const metrics = fs
    .readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as EpochRecord);
  assert.deepEqual(
    metrics.map((r) => r.epoch),
    [1, 2, 3],
  );

  const fresh = await trainRun(undefined);
  for (const [i, r] of resumed.history.entries()) {
    assert.ok(
      Math.abs(r.trainLoss - fresh.history[i].trainLoss) < 1e-5,
      `epoch ${i + 1} train loss: resumed ${r.trainLoss}, uninterrupted ${fresh.history[i].trainLoss}`,
    );
    assert.equal(r.testAccuracy, fresh.history[i].testAccuracy);
    assert.equal(r.testCount, fresh.history[i].testCount);
  }
  fs.rmSync(runDir, { recursive: true, force: true });
});
