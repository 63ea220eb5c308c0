/**
 * One training step: cross-entropy on the time-averaged logits of a batch in training mode, its gradients,
 * and the optimizer's update (`train` runs one per batch; replicas.ts splits one between threads).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HasNamedVariables } from '../models/weights';
import type { ForwardObserver } from '../snn/module';
import { correctCount, crossEntropy, type LogitModel } from './evaluate';
import type { Optimizer } from './optimizer';

export type TrainableModel = LogitModel & HasNamedVariables;

/** What one optimisation step reports: the batch's mean loss and how many of its rows the model got right. */
export interface StepResult {
  loss: number;
  correct: number;
}

export interface StepOptions {
  /** Sees the training forward pass (its activations, weight layers and spike-kernel accumulates). */
  observer?: ForwardObserver;
  /** Sees the logits `[B, classes]` and the gradients (keyed by variable name) before the update; must not keep them. */
  inspect?: (logits: tf.Tensor, grads: tf.NamedTensorMap) => void;
}

/** The gradients of one batch and what they were measured on; the caller disposes `grads`. */
export interface BatchGradients extends StepResult {
  /** Keyed by variable name, for the `trainable` variables the loss reaches. */
  grads: tf.NamedTensorMap;
}

/**
 * Cross-entropy on the time-averaged logits of `x` in training mode (which updates the running statistics)
 * and its gradients for `trainable`: what a training step computes before the optimizer's update.
 */
export function batchGradients(
  model: TrainableModel,
  x: tf.Tensor,
  labels: tf.Tensor1D,
  trainable: tf.Variable[],
  options: StepOptions = {},
): BatchGradients {
  return tf.tidy(() => {
    let logits: tf.Tensor | null = null;
    const { value, grads } = tf.variableGrads(() => {
      logits = tf.keep(model.forward(x, { training: true, observer: options.observer }));
      return crossEntropy(logits, labels);
    }, trainable);
    options.inspect?.(logits!, grads);
    const result = { loss: value.dataSync()[0], correct: correctCount(logits!, labels), grads };
    for (const g of Object.values(grads)) tf.keep(g);
    tf.dispose([logits!, value]);
    return result;
  });
}

/**
 * One optimisation step, as `train` runs each batch: `batchGradients`, then the optimizer's update at `lr`.
 */
export function trainStep(
  model: TrainableModel,
  x: tf.Tensor,
  labels: tf.Tensor1D,
  trainable: tf.Variable[],
  optimizer: Optimizer,
  lr: number,
  options: StepOptions = {},
): StepResult {
  const { loss, correct, grads } = batchGradients(model, x, labels, trainable, options);
  optimizer.step(grads, lr);
  tf.dispose(Object.values(grads));
  return { loss, correct };
}
