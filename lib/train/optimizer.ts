/**
 * SGD with momentum and Adam, written on tf ops so that their state is named variables: a checkpoint saves
 * it with the model's weights and a resumed run continues exactly. Weight decay is L2 added to the gradient
 * (PyTorch's `weight_decay` for both), skipped for 1-D parameters (normalisation scales and biases).
 * The learning rate is set per step by the schedule. With the engine's kernels on, a parameter's update is
 * one engine pass (lib/engine/optimizer-kernels.ts) instead of a dozen tensor ops: the same f32 operations
 * in the same order, so the same weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import { engineKernelsEnabled, optimizerStepKernel, type UpdateRule } from '../engine';
import type { NamedVariable } from '../snn/module';

export type OptimizerConfig =
  | { kind: 'sgd'; momentum: number; weightDecay: number; nesterov?: boolean }
  | { kind: 'adam'; beta1?: number; beta2?: number; epsilon?: number; weightDecay: number };

export interface Optimizer {
  readonly config: OptimizerConfig;
  /** Updates every parameter from its gradient (keyed by the tf variable's own name) at learning rate `lr`. */
  step(grads: tf.NamedTensorMap, lr: number): void;
  /** The optimizer's state as named variables (`<param>.momentum`, ...), for checkpoints. */
  namedVariables(): NamedVariable[];
  dispose(): void;
}

interface Slot {
  param: NamedVariable;
  buffers: tf.Variable[];
}

function checkConfig(config: OptimizerConfig): void {
  const bad = (what: string, v: unknown) => new RangeError(`optimizer ${config.kind}: ${what}, got ${String(v)}`);
  if (!(config.weightDecay >= 0)) throw bad('weightDecay must be >= 0', config.weightDecay);
  if (config.kind === 'sgd' && !(config.momentum >= 0 && config.momentum < 1))
    throw bad('momentum must be in [0, 1)', config.momentum);
  if (config.kind === 'adam') {
    for (const [k, v] of [
      ['beta1', config.beta1],
      ['beta2', config.beta2],
    ] as const) {
      if (v !== undefined && !(v >= 0 && v < 1)) throw bad(`${k} must be in [0, 1)`, v);
    }
  }
}

export function createOptimizer(config: OptimizerConfig, params: NamedVariable[]): Optimizer {
  checkConfig(config);
  const trainable = params.filter((p) => p.variable.trainable);
  const names = config.kind === 'sgd' ? ['momentum'] : ['m', 'v'];
  const slots: Slot[] = trainable.map((param) => ({
    param,
    buffers: names.map(() => tf.tidy(() => tf.variable(tf.zerosLike(param.variable), false))),
  }));
  // Adam's step count, kept as a variable so that it is checkpointed with the moments.
  const stepCount = tf.tidy(() => tf.variable(tf.scalar(0), false));

  const decayOf = (slot: Slot) => (slot.param.variable.rank > 1 ? config.weightDecay : 0);

  return {
    config,
    step(grads, lr) {
      tf.tidy(() => {
        const t = stepCount.dataSync()[0] + 1;
        stepCount.assign(tf.scalar(t));
        const rule: UpdateRule =
          config.kind === 'sgd'
            ? { kind: 'sgd', momentum: config.momentum, nesterov: config.nesterov ?? false }
            : {
                kind: 'adam',
                beta1: config.beta1 ?? 0.9,
                beta2: config.beta2 ?? 0.999,
                epsilon: config.epsilon ?? 1e-8,
                t,
              };
        const update = engineKernelsEnabled() ? optimizerStepKernel : tensorStep;
        for (const slot of slots) {
          const g = grads[slot.param.variable.name];
          if (!g) continue; // a parameter this loss does not reach (e.g. a tail not run)
          update(slot.param.variable, g, slot.buffers, rule, lr, decayOf(slot));
        }
      });
    },
    namedVariables() {
      return [
        { name: 'optimizer.step', variable: stepCount },
        ...slots.flatMap((s) => s.buffers.map((variable, i) => ({ name: `${s.param.name}.${names[i]}`, variable }))),
      ];
    },
    dispose() {
      stepCount.dispose();
      for (const s of slots) for (const b of s.buffers) b.dispose();
    },
  };
}

/** `optimizerStepKernel`'s update as tensor ops (the engine's kernels off: parity checks, the web page). */
function tensorStep(
  w: tf.Variable,
  raw: tf.Tensor,
  buffers: readonly tf.Variable[],
  rule: UpdateRule,
  lr: number,
  decay: number,
): void {
  const g = decay > 0 ? tf.add(raw, tf.mul(w, decay)) : raw;
  if (rule.kind === 'sgd') {
    const [buf] = buffers;
    const next = tf.add(tf.mul(buf, rule.momentum), g);
    buf.assign(next);
    const direction = rule.nesterov ? tf.add(g, tf.mul(next, rule.momentum)) : next;
    w.assign(tf.sub(w, tf.mul(direction, lr)));
  } else {
    const { beta1: b1, beta2: b2, epsilon: eps, t } = rule;
    const [m, v] = buffers;
    m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
    v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
    const mHat = tf.div(m, 1 - b1 ** t);
    const vHat = tf.div(v, 1 - b2 ** t);
    w.assign(tf.sub(w, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), eps)), lr)));
  }
}
