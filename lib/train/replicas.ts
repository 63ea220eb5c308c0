/**
 * Data-parallel training on every core: the calling thread and `count - 1` worker threads each hold a replica
 * of the model (built from the same recipe), and each step splits the batch between them by rows. Every
 * replica computes the gradients of its rows on one thread of its own (its tfjs backend, its spike engine),
 * so what stays serial is the exchange (the weights go out before the step, the gradients come back after
 * it, through one SharedArrayBuffer) and the update: the calling thread's optimizer applies sum over
 * replicas of (rows / batch) x gradient, the batch's mean gradient.
 * What differs from one replica on the whole batch: tdBN normalises each replica's rows with their own batch
 * statistics (as PyTorch's DistributedDataParallel without SyncBatchNorm), and the running statistics become
 * the rows-weighted mean of the replicas' updates, which is the update with the mean of their batch statistics.
 */
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { dispatch } from '../engine/generations';
import { kernelThreads, useEngineThreads } from '../engine';
import type { BackboneOptions } from '../models/options';
import type { NamedVariable } from '../snn/module';
import type { Optimizer } from './optimizer';
import { batchGradients, trainStep, type BatchGradients, type StepResult, type TrainableModel } from './step';
import { REPLICA_CTRL, replicaLayout, type ReplicaLayout } from './replica-layout';

/** How a worker builds its replica: `createModel(name, options)`, options as plain data. */
export interface ModelRecipe {
  readonly name: string;
  readonly options: BackboneOptions;
}

export class Replicas {
  private readonly workers: Worker[] = [];
  private readonly ctrl: Int32Array;
  private readonly params: NamedVariable[];
  private readonly trained: tf.Variable[];

  private constructor(
    private readonly model: TrainableModel,
    private readonly layout: ReplicaLayout,
    private readonly shared: SharedArrayBuffer,
  ) {
    this.params = model.namedVariables();
    this.trained = this.params.filter((_, i) => layout.trained[i]).map((p) => p.variable);
    this.ctrl = new Int32Array(shared, 0, REPLICA_CTRL.slots);
  }

  /**
   * Starts `count - 1` workers with replicas of `model` (built from `recipe`) that train the variables
   * `trained`, for batches of at most `maxRows` rows of `imageShape`.
   */
  static start(
    model: TrainableModel,
    recipe: ModelRecipe,
    trained: readonly tf.Variable[],
    count: number,
    { maxRows, imageShape }: { maxRows: number; imageShape: readonly number[] },
  ): Replicas {
    if (!Number.isInteger(count) || count < 2)
      throw new RangeError(`replicas: count must be an integer of at least 2, got ${count}`);
    const params = model.namedVariables();
    const layout = replicaLayout(params, trained, count, Math.ceil(maxRows / count), imageShape);
    const replicas = new Replicas(model, layout, new SharedArrayBuffer(layout.bytes));
    if (replicas.trained.length !== trained.length)
      throw new RangeError("replicas: every trained variable must be one of the model's own");
    for (let tid = 1; tid < count; tid++) {
      const worker = new Worker(path.join(__dirname, 'replica-worker.js'), {
        workerData: { recipe, shared: replicas.shared, layout, tid },
      });
      worker.unref();
      replicas.workers.push(worker);
    }
    return replicas;
  }

  /** One optimisation step on batch `x` (`[B, ...imageShape]`), split by rows between the replicas. */
  step(x: tf.Tensor, labels: tf.Tensor1D, optimizer: Optimizer, lr: number): StepResult {
    const { layout } = this;
    const B = x.shape[0];
    const count = this.workers.length + 1;
    if (Math.ceil(B / count) > layout.rowsPerReplica)
      throw new RangeError(
        `replicas: a batch of ${B} rows, but they were started for ${layout.rowsPerReplica * count}`,
      );
    // Fewer rows than replicas (an epoch's last batch can be one image): this thread takes them all.
    if (B < count) return trainStep(this.model, x, labels, this.trained, optimizer, lr);
    const bounds = Array.from({ length: count + 1 }, (_, i) => Math.round((B * i) / count));
    this.sendWeights();
    this.sendRows(x, labels, bounds);
    const before = this.params.map((p) => p.variable.dataId); // a variable the forward pass assigns changes it
    const own = this.ownStep(x, labels, bounds[1]);
    const assigned = this.params.map((p, i) => p.variable.dataId !== before[i]);
    const result = this.combine(own, bounds, assigned, optimizer, lr);
    tf.dispose(Object.values(own.grads));
    return result;
  }

  /**
   * Wakes the workers and computes this thread's replica's gradients of the first `rows` rows meanwhile, on
   * one engine thread (evaluation between steps gets them all back); returns when every replica is done.
   */
  private ownStep(x: tf.Tensor, labels: tf.Tensor1D, rows: number): BatchGradients {
    const threads = kernelThreads();
    useEngineThreads(1);
    try {
      return dispatch(
        this.ctrl,
        REPLICA_CTRL,
        this.workers.length,
        () => {
          let own!: BatchGradients; // its gradients are kept out of the tidy
          tf.tidy(() => {
            own = batchGradients(this.model, x.slice(0, rows), labels.slice(0, rows), this.trained);
          });
          return own;
        },
        () => new Error('replicas: a worker replica failed its step (its error is on stderr)'),
      );
    } finally {
      useEngineThreads(threads);
    }
  }

  /** Every variable's values, for the workers to load before their step. */
  private sendWeights(): void {
    this.params.forEach((p, i) => this.floats(this.layout.weights[i], p.variable.size).set(p.variable.dataSync()));
  }

  /** Each worker's rows of the batch and their labels. */
  private sendRows(x: tf.Tensor, labels: tf.Tensor1D, bounds: number[]): void {
    const pixels = x.size / x.shape[0];
    const [xs, ys] = [x.dataSync(), labels.dataSync()];
    this.layout.replicas.forEach((r, i) => {
      const [r0, r1] = [bounds[i + 1], bounds[i + 2]];
      this.ctrl[REPLICA_CTRL.rows + i] = r1 - r0;
      this.floats(r.x, (r1 - r0) * pixels).set(xs.subarray(r0 * pixels, r1 * pixels));
      new Int32Array(this.shared, r.labels, r1 - r0).set(ys.subarray(r0, r1));
    });
  }

  /**
   * The optimizer's step with the rows-weighted mean of every replica's gradients, and each variable the
   * forward pass `assigned` (the running statistics) set to the rows-weighted mean of the replicas' values.
   */
  private combine(
    own: BatchGradients,
    bounds: number[],
    assigned: boolean[],
    optimizer: Optimizer,
    lr: number,
  ): StepResult {
    const B = bounds[bounds.length - 1];
    const share = (i: number) => (bounds[i + 1] - bounds[i]) / B; // replica i's rows over the batch
    const { layout } = this;
    tf.tidy(() => {
      const grads: tf.NamedTensorMap = {};
      this.params.forEach(({ variable: v }, i) => {
        const mine = layout.trained[i] ? own.grads[v.name] : assigned[i] ? v : null;
        if (!mine) return; // neither trained (or not reached by this loss) nor changed by the step
        // As tensor ops, not a JavaScript loop: a ResNet-18's 11M gradients took 3 s that way.
        const mean = layout.replicas.reduce(
          (sum, r, w) => tf.add(sum, tf.mul(tf.tensor(this.floats(r.values[i], v.size), v.shape), share(w + 1))),
          tf.mul(mine, share(0)),
        );
        if (layout.trained[i]) grads[v.name] = mean;
        else v.assign(mean);
      });
      optimizer.step(grads, lr);
    });
    const results = layout.replicas.map((r) => new Float64Array(this.shared, r.result, 2));
    return {
      loss: own.loss * share(0) + results.reduce((a, r, w) => a + r[0] * share(w + 1), 0),
      correct: own.correct + results.reduce((a, r) => a + r[1], 0),
    };
  }

  private floats(at: number, length: number): Float32Array {
    return new Float32Array(this.shared, at, length);
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    Atomics.store(this.ctrl, REPLICA_CTRL.command, -1);
    Atomics.add(this.ctrl, REPLICA_CTRL.generation, 1);
    Atomics.notify(this.ctrl, REPLICA_CTRL.generation);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** What `train` needs to split its steps between replicas. */
export interface ReplicaOptions {
  readonly recipe: ModelRecipe;
  /** Replicas, the calling thread's included (2 or more; 1 trains without any). */
  readonly count: number;
}

/** One training step at a time: `trainStep`, or split between replicas started at the first batch. */
export interface BatchStepper {
  step(x: tf.Tensor, labels: tf.Tensor1D, lr: number): StepResult;
  close(): Promise<void>;
}

export function batchStepper(
  model: TrainableModel,
  trained: tf.Variable[],
  optimizer: Optimizer,
  replicas: ReplicaOptions | undefined,
  maxRows: number,
): BatchStepper {
  if (!replicas || replicas.count < 2)
    return { step: (x, labels, lr) => trainStep(model, x, labels, trained, optimizer, lr), close: async () => {} };
  let started: Replicas | null = null;
  return {
    step(x, labels, lr) {
      started ??= Replicas.start(model, replicas.recipe, trained, replicas.count, {
        maxRows,
        imageShape: x.shape.slice(1),
      });
      return started.step(x, labels, optimizer, lr);
    },
    close: async () => started?.close(),
  };
}
