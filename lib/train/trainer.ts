/**
 * The training loop: cross-entropy on time-averaged logits, SGD or Adam, a learning-rate schedule,
 * evaluation after every epoch, a checkpoint after every epoch (resumed automatically), metrics as JSON
 * lines, progress with rate and ETA. Every tensor of a step is disposed before the next.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { epochBatches } from '../data';
import { writeFileAtomic } from '../util/atomic';
import { Progress, type ProgressSink } from '../util/progress';
import { Rng } from '../util/rng';
import { readCheckpoint, restoreCheckpoint, writeCheckpoint } from './checkpoint';
import { evaluate } from './evaluate';
import { createOptimizer, type Optimizer, type OptimizerConfig } from './optimizer';
import { batchStepper, type BatchStepper, type ReplicaOptions } from './replicas';
import { learningRate, type ScheduleConfig } from './schedule';
import type { LabelledSource } from './source';
import type { TrainableModel } from './step';

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  seed: number;
  /** Random crop and flip on training batches. */
  augment: boolean;
}

/** One line of `metrics.jsonl`. */
export interface EpochRecord {
  epoch: number; // 1-based
  lr: number; // at the epoch's start
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** Test images testAccuracy counts (its interval's n). */
  testCount: number;
  seconds: number;
  imagesPerSecond: number;
}

export interface TrainOptions {
  /** Where checkpoints and metrics go; without it nothing is written and nothing resumed. */
  runDir?: string;
  /** Progress lines; stderr by default (a notebook passes `notebookProgress(tslab.newDisplay)`). */
  progress?: ProgressSink;
  /** Epoch summaries; stderr by default. */
  log?: (line: string) => void;
  /** Stops training at the next batch (throwing the signal's reason); the last finished epoch's checkpoint stays. */
  signal?: AbortSignal;
  /** Splits every step between data-parallel replicas (replicas.ts says what that changes); default none. */
  replicas?: ReplicaOptions;
}

export interface TrainResult {
  history: EpochRecord[];
  /** Epochs restored from a checkpoint instead of trained now. */
  resumedEpochs: number;
}

function checkConfig(c: TrainConfig): void {
  for (const k of ['epochs', 'batchSize'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1)
      throw new RangeError(`train config: ${k} must be a positive integer, got ${c[k]}`);
  }
}

/** Trains `model` in place; with `runDir`, resumes from its last checkpoint. */
export async function train(
  model: TrainableModel,
  trainSet: LabelledSource,
  testSet: LabelledSource,
  config: TrainConfig,
  options: TrainOptions = {},
): Promise<TrainResult> {
  checkConfig(config);
  const log = options.log ?? ((l: string) => console.error(l));
  const params = model.namedVariables();
  const trainable = params.filter((p) => p.variable.trainable).map((p) => p.variable);
  const optimizer = createOptimizer(config.optimizer, params);
  const stepper = batchStepper(model, trainable, optimizer, options.replicas, config.batchSize);
  try {
    const { history, resumedEpochs } = resume(model, optimizer, testSet, options.runDir, log);
    for (let epoch = resumedEpochs; epoch < config.epochs; epoch++) {
      const record = await runEpoch({ model, trainSet, testSet, config, stepper }, epoch, options);
      history.push(record);
      log(
        `epoch ${record.epoch}: train loss ${record.trainLoss.toFixed(4)} acc ${(100 * record.trainAccuracy).toFixed(2)}%, ` +
          `test loss ${record.testLoss.toFixed(4)} acc ${(100 * record.testAccuracy).toFixed(2)}%, ${record.seconds.toFixed(1)} s`,
      );
      if (options.runDir) {
        writeCheckpoint(options.runDir, epoch + 1, history, model, optimizer);
        writeFileAtomic(
          path.join(options.runDir, 'metrics.jsonl'),
          history.map((r) => JSON.stringify(r)).join('\n') + '\n',
        );
      }
    }
    return { history, resumedEpochs };
  } finally {
    await stepper.close();
    optimizer.dispose();
  }
}

/** The history and epochs done of the last checkpoint in `runDir`, restored into `model` and `optimizer`; none without one. */
function resume(
  model: TrainableModel,
  optimizer: Optimizer,
  testSet: LabelledSource,
  runDir: string | undefined,
  log: (line: string) => void,
): { history: EpochRecord[]; resumedEpochs: number } {
  const state = runDir ? readCheckpoint<EpochRecord>(runDir) : null;
  if (!runDir || !state) return { history: [], resumedEpochs: 0 };
  restoreCheckpoint(runDir, state, model, optimizer);
  log(`resumed ${runDir} after epoch ${state.epochs}`);
  // Checkpoints from before `testCount` was recorded: their test accuracies were measured on this same test set.
  const history = state.history.map((r) => ({ ...r, testCount: r.testCount ?? testSet.count }));
  return { history, resumedEpochs: state.epochs };
}

/** What one epoch trains and measures. */
interface EpochRun {
  model: TrainableModel;
  trainSet: LabelledSource;
  testSet: LabelledSource;
  config: TrainConfig;
  stepper: BatchStepper;
}

/** Epoch `epoch` (from 0): a pass over the training set in its seeded order, then the test set; its record. */
async function runEpoch(
  { model, trainSet, testSet, config, stepper }: EpochRun,
  epoch: number,
  options: TrainOptions,
): Promise<EpochRecord> {
  // Seeded per epoch, so a resumed run sees the same order and augmentation as an uninterrupted one.
  const rng = new Rng(config.seed * 1_000_003 + epoch);
  const progress = new Progress(trainSet.count, {
    label: `epoch ${epoch + 1}/${config.epochs}`,
    unit: 'images',
    sink: options.progress,
  });
  const stepsPerEpoch = Math.ceil(trainSet.count / config.batchSize);
  let lossSum = 0,
    correct = 0,
    step = 0;
  for (const indices of epochBatches(trainSet.count, config.batchSize, { rng })) {
    const lr = learningRate(config.schedule, epoch + step / stepsPerEpoch);
    tf.tidy(() => {
      const { x, labels } = trainSet.batch(indices, config.augment ? rng : undefined);
      const result = stepper.step(x, labels, lr);
      lossSum += result.loss * indices.length;
      correct += result.correct;
    });
    step++;
    progress.tick(indices.length);
    await new Promise((resolve) => setImmediate(resolve)); // lets progress, timers and signals through
    options.signal?.throwIfAborted();
  }
  progress.done();
  const test = evaluate(model, testSet, config.batchSize);
  return {
    epoch: epoch + 1,
    lr: learningRate(config.schedule, epoch),
    trainLoss: lossSum / trainSet.count,
    trainAccuracy: correct / trainSet.count,
    testLoss: test.loss,
    testAccuracy: test.accuracy,
    testCount: test.count,
    seconds: progress.elapsedSeconds,
    imagesPerSecond: progress.ratePerSecond,
  };
}
