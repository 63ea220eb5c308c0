/**
 * Residual blocks' inference as one engine op, their activations resident in the engine's memory
 * (lib/engine/resident.ts): the first block's input is copied in and bit-packed once (its spike convolutions
 * and the identity read it there), each tdBN's map and the residual addition are applied by the LIF that reads
 * them, an inner LIF writes only bit-packed spikes for the next convolution, a block's output spikes stay for
 * the next block, and the last block's output is copied out once. A backbone runs its consecutive blocks so
 * (backbone.ts); a block run on its own is a chain of one. The same values as the layers run one by one, to
 * the bit (test/engine/resident.test.ts).
 *
 * It runs for a pass in inference mode on the engine's kernels whose observer, if any, needs no layer's tensors
 * (an `AccumulateCounter` still counts: the convolutions report as before), and for a block made of spike
 * convolutions, tdBN and LIF layers with the standard join; otherwise the block runs layer by layer.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { engineKernelsEnabled, withArena } from '../engine/engine';
import {
  lifOf,
  repeatedCurrentIn,
  residualSum,
  spikeConvAt,
  spikesDownTo,
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

/**
 * A chain frees what its blocks allocated, keeping only the last one's output spikes, once it holds more than
 * this: the move costs about 0.1 ms per MB, and a batch-1 pass never needs it.
 */
const CHAIN_BYTES = 64 * 2 ** 20;

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

/** Whether `block` can run resident (a standard join; spike convolutions, tdBN and LIF layers only). */
export function runsResident(block: ResidualParts): boolean {
  return residentLayers(block) !== null;
}

/** A stem of a dense conv, a tdBN and a LIF: resident, it reads one step's conv output at every step. */
export interface ResidentStem {
  readonly conv: Conv2d;
  readonly norm: TdBN;
  readonly lif: LIF;
}

/** `stem`'s layers if it is a dense conv, a tdBN and a LIF; else null. */
export function residentStem(stem: Module | null): ResidentStem | null {
  if (!(stem instanceof Sequential) || stem.layers.length !== 3) return null;
  const [conv, norm, lif] = stem.layers;
  if (!(conv instanceof Conv2d) || conv.spikes || !(norm instanceof TdBN) || !(lif instanceof LIF)) return null;
  return { conv, norm, lif };
}

/**
 * The output of consecutive `blocks` as one engine op, or null when a part of one cannot run so. Their input
 * is spikes `x` `[T*B, H, W, C]`, copied in and packed once; or, with `stem`, images `x` `[B, H, W, C]` that
 * are every step's input (direct encoding): the stem's conv runs once per image, and its tdBN and LIF read
 * that current at every step. Each block hands its output spikes to the next in the engine's memory, and the
 * last one's are copied out. `enter(i)` is called as block i begins.
 */
export function residentBlocks(
  blocks: readonly ResidualParts[],
  x: tf.Tensor,
  run: Run,
  enter?: (i: number) => void,
  stem?: ResidentStem,
): tf.Tensor | null {
  const layers = blocks.map(residentLayers);
  if (layers.some((l) => l === null)) return null;
  const current = stem && (stem.conv.forward(x, run) as tf.Tensor4D); // [B, H, W, C], one step's
  const convs = layers.flatMap((l) => [...l!.shortcut, ...l!.branch]).filter((m): m is Conv2d => m instanceof Conv2d);
  const out = withArena((pool) => {
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
    const mark = pool.arenaTop;
    let spikes: Spikes;
    if (current) {
      const { a, d } = stem.norm.inferenceMap();
      const normed = withChannelMap(pool, repeatedCurrentIn(pool, current, run.T), a, d);
      const identity = blocks[0].shortcut === null; // then the first block adds the stem's spikes as floats
      spikes = lifOf(pool, normed, run.T, lifKernelParams(stem.lif.params), identity);
    } else {
      checkChannels(convs[0].name, x, convs[0].inChannels);
      spikes = spikesIn(pool, x as tf.Tensor4D, convs[0].name);
    }
    blocks.forEach((block, i) => {
      enter?.(i);
      const { shortcut, branch } = layers[i]!;
      const identity = shortcut.reduce(layer, spikes);
      const out = branch.reduce(layer, spikes);
      if ('bits' in out) throw new Error(`${block.name}: the branch must end in a norm`);
      const sum = residualSum(pool, out, identity);
      spikes = lifOf(pool, sum, run.T, lifKernelParams((block.last as LIF).params), true);
      if (pool.arenaTop - mark > CHAIN_BYTES) spikes = spikesDownTo(pool, spikes, mark);
    });
    return spikesOut(pool, spikes);
  });
  current?.dispose();
  return out;
}
