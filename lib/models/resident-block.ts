/**
 * A residual block's inference as one engine op, its activations resident in the engine's memory
 * (lib/engine/resident.ts): the block's input is copied in and bit-packed once (its spike convolutions and the
 * identity read it there), each tdBN's map and the residual addition are applied by the LIF that reads them,
 * an inner LIF writes only bit-packed spikes for the next convolution, and the block's output is copied out
 * once. The same values as the layers run one by one, to the bit (test/engine/resident.test.ts).
 *
 * It runs for a pass in inference mode on the engine's kernels whose observer, if any, needs no layer's tensors
 * (an `AccumulateCounter` still counts: the convolutions report as before), and for a block made of spike
 * convolutions, tdBN and LIF layers with the standard join; otherwise the block runs layer by layer.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { engineKernelsEnabled, withArena } from '../engine/engine';
import {
  lifOf,
  residualSum,
  spikeConvAt,
  spikesIn,
  spikesOut,
  withChannelMap,
  type Current,
  type Spikes,
} from '../engine/resident';
import { blockedWeights, convGeometry } from '../engine/spike-conv';
import { LIF, lifKernelParams } from '../snn/lif';
import { Module, Run, Sequential } from '../snn/module';
import { TdBN } from '../snn/tdbn';
import { accumulateSink, checkChannels, Conv2d } from './conv';
import type { ResidualKind } from './residual';

/** What resnet.ts's blocks are made of. */
export interface ResidualParts {
  readonly name: string;
  /** Convs, norms and activations, ending in the norm before the join. */
  readonly branch: readonly Module[];
  /** null: the identity. */
  readonly shortcut: Module | null;
  readonly residual: ResidualKind;
  readonly last: Module;
}

/** Whether a pass may run its blocks resident: inference on the engine, no observer of layers' tensors. */
export function residentInference(run: Run): boolean {
  return !run.training && engineKernelsEnabled() && !run.observer?.activation && !run.observer?.weightLayer;
}

/** The shortcut's layers then the branch's, if all of them run resident; else null. */
function residentLayers(block: ResidualParts): { shortcut: readonly Module[]; branch: readonly Module[] } | null {
  if (block.residual !== 'standard' || !(block.last instanceof LIF)) return null;
  const shortcut = block.shortcut === null ? [] : block.shortcut instanceof Sequential ? block.shortcut.layers : null;
  const resident = (m: Module) => (m instanceof Conv2d && m.spikes) || m instanceof TdBN || m instanceof LIF;
  if (!shortcut || ![...shortcut, ...block.branch].every(resident)) return null;
  return { shortcut, branch: block.branch };
}

/** `block`'s output for spikes `x` `[T*B, H, W, C]` as one engine op, or null when a part of it cannot run so. */
export function residentBlock(block: ResidualParts, x: tf.Tensor, run: Run): tf.Tensor | null {
  const layers = residentLayers(block);
  if (!layers) return null;
  const convs = [...layers.shortcut, ...layers.branch].filter((m): m is Conv2d => m instanceof Conv2d);
  return withArena((pool) => {
    const weights = new Map(convs.map((c) => [c, blockedWeights(pool, c.weight, 0)])); // before anything else
    const layer = (v: Spikes | Current, m: Module): Spikes | Current => {
      if (m instanceof Conv2d) {
        if (!('bits' in v)) throw new Error(`${m.name}: a resident spike convolution reads spikes`);
        const g = convGeometry(v.shape, m.weight.shape, { stride: m.stride, pad: m.padding, name: m.name });
        return spikeConvAt(pool, v, g, weights.get(m)!, accumulateSink(m, run));
      }
      if ('bits' in v) throw new Error(`${m.name}: resident spikes only go into a spike convolution`);
      if (m instanceof TdBN) {
        const { a, d } = m.inferenceMap();
        return withChannelMap(pool, v, a, d);
      }
      return lifOf(pool, v, run.T, lifKernelParams((m as LIF).params), false);
    };
    checkChannels(convs[0].name, x, convs[0].inChannels);
    const input = spikesIn(pool, x as tf.Tensor4D, convs[0].name);
    const identity = layers.shortcut.reduce(layer, input);
    const branch = layers.branch.reduce(layer, input);
    if ('bits' in branch) throw new Error(`${block.name}: the branch must end in a norm`);
    const out = lifOf(
      pool,
      residualSum(pool, branch, identity),
      run.T,
      lifKernelParams((block.last as LIF).params),
      true,
    );
    return spikesOut(pool, out);
  });
}
