/**
 * SGD with momentum and Adam, written on tf ops so that their state is named variables: a checkpoint saves
 * it with the model's weights and a resumed run continues exactly. Weight decay is L2 added to the gradient
 * (PyTorch's `weight_decay` for both), skipped for 1-D parameters (normalisation scales and biases).
 * The learning rate is set per step by the schedule.
 */
import * as tf from '@tensorflow/tfjs-core';
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

  const decayed = (slot: Slot, g: tf.Tensor) =>
    config.weightDecay > 0 && slot.param.variable.rank > 1
      ? tf.add(g, tf.mul(slot.param.variable, config.weightDecay))
      : g;

  return {
    config,
    step(grads, lr) {
      tf.tidy(() => {
        const t = stepCount.dataSync()[0] + 1;
        stepCount.assign(tf.scalar(t));
        for (const slot of slots) {
          const raw = grads[slot.param.variable.name];
          if (!raw) continue; // a parameter this loss does not reach (e.g. a tail not run)
          const g = decayed(slot, raw);
          const w = slot.param.variable;
          if (config.kind === 'sgd') {
            const [buf] = slot.buffers;
            const next = tf.add(tf.mul(buf, config.momentum), g);
            buf.assign(next);
            const direction = config.nesterov ? tf.add(g, tf.mul(next, config.momentum)) : next;
            w.assign(tf.sub(w, tf.mul(direction, lr)));
          } else {
            const b1 = config.beta1 ?? 0.9,
              b2 = config.beta2 ?? 0.999,
              eps = config.epsilon ?? 1e-8;
            const [m, v] = slot.buffers;
            m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
            v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
            const mHat = tf.div(m, 1 - b1 ** t);
            const vHat = tf.div(v, 1 - b2 ** t);
            w.assign(tf.sub(w, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), eps)), lr)));
          }
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
