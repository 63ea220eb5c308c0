/**
 * How a residual block's branch and shortcut meet, for 1-bit spiking blocks. The blocks themselves (`BasicBlock`,
 * `Bottleneck`) and the ResNets built from them are in resnet.ts; each block ends in `joinResidual`:
 *
 *   'standard'  out = LIF(norm(branch) + shortcut(x))            the spiking ResNet of Zheng et al. (tdBN),
 *               SpikeBottleNet's: the last LIF after the addition; tdBN alpha 1/sqrt(2) on the two branches
 *               that meet in the addition; the shortcut is x or conv + norm.
 *   'sew-iand'  out = s AND NOT a,  a = LIF(norm(branch)),       SEW ResNet with IAND (Fang et al., NeurIPS 2021),
 *               s = x or LIF(norm(conv(x)))                     spikes joined by a logic function, so the identity
 *               passes unchanged wherever the branch is silent and the output stays binary; alpha 1 everywhere.
 *
 * Why both: the standard block sends the gradient along its identity only where the post-addition membrane is
 * inside the surrogate's window, which at initialisation is about half the neurons per block, and deep plain
 * spiking ResNets degrade (Fang et al.); SEW's joins keep an identity path. Measured here (README): the 1/8-width
 * spiking ResNet-50 of the cpu preset stays at chance for an epoch with the standard join, and learns with IAND.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Module, Run } from '../snn/module';

export type ResidualKind = 'standard' | 'sew-iand';

/** tdBN's alpha on the branch's last norm and on the shortcut's norm. */
export function residualAlpha(kind: ResidualKind): number {
  return kind === 'standard' ? Math.SQRT1_2 : 1;
}

/** Whether the shortcut's conv + norm ends in a LIF of its own (SEW: both inputs of the join are spikes). */
export function shortcutSpikes(kind: ResidualKind): boolean {
  return kind === 'sew-iand';
}

/**
 * The block's output `[T*B, h, w, c]` from its branch's normalised output and its shortcut's output (x, or
 * the shortcut module's), with the block's last activation `act`. The IAND output is reported to observers
 * as the spike layer `<block>.out`, the one the next layer reads.
 */
export function joinResidual(
  kind: ResidualKind,
  branch: tf.Tensor,
  shortcut: tf.Tensor,
  act: Module,
  block: string,
  run: Run,
): tf.Tensor {
  if (kind === 'standard') return act.forward(tf.add(branch, shortcut), run);
  const out = tf.mul(shortcut, tf.sub(1, act.forward(branch, run)));
  run.observer?.activation?.(`${block}.out`, out, true, run);
  return out;
}
