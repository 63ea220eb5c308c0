/**
 * One optimiser step of one parameter on the engine (assembly/optimizer.ts): the weights and the state are
 * updated in one pass instead of about fourteen tensor ops, the same f32 operations in the same order as
 * lib/train/optimizer.ts's tensor ops, so both give the same weights to the bit.
 */
import * as tf from '@tensorflow/tfjs-core';
import { withArena } from './engine';
import { F32, type KernelArg } from './pool';
import { copyIn, tensorAt } from './transfer';

/** The update rule with this step's constants: SGD with momentum, or Adam at step t (bias corrections). */
export type UpdateRule =
  | { kind: 'sgd'; momentum: number; nesterov: boolean }
  | { kind: 'adam'; beta1: number; beta2: number; epsilon: number; t: number };

/**
 * Updates `w` and its state `buffers` (SGD: the momentum buffer; Adam: m, v) in place from gradient `g`, with
 * L2 weight decay `decay` (0: none) and learning rate `lr`.
 */
export function optimizerStepKernel(
  w: tf.Variable,
  g: tf.Tensor,
  buffers: readonly tf.Variable[],
  rule: UpdateRule,
  lr: number,
  decay: number,
): void {
  const constants =
    rule.kind === 'sgd'
      ? [rule.momentum, rule.nesterov ? 1 : 0, 0, 0, 0, 0, 0]
      : [
          rule.beta1,
          1 - rule.beta1,
          rule.beta2,
          1 - rule.beta2,
          1 - rule.beta1 ** rule.t,
          1 - rule.beta2 ** rule.t,
          rule.epsilon,
        ];
  withArena((pool) => {
    const [wAt, gAt] = [copyIn(pool, w), copyIn(pool, g)];
    const states = buffers.map((b) => copyIn(pool, b));
    const args: KernelArg[] = [wAt, gAt, states[0], states[1] ?? states[0], w.size, rule.kind === 'sgd' ? 0 : 1];
    args.push(new F32(lr), new F32(decay), ...constants.map((c) => new F32(c)));
    pool.run('optimizerStep', args);
    tf.tidy(() => {
      w.assign(tensorAt(pool, wAt, w.shape));
      buffers.forEach((b, i) => b.assign(tensorAt(pool, states[i], b.shape)));
    });
  });
}
