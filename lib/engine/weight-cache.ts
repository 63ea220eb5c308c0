/**
 * The blocked weights of spike convolutions (assembly/conv.ts's layout), kept in the kernel pool between ops
 * for filters that come back unchanged: inference runs the same weights on every batch, and laying them out
 * again each time costs a copy and a pass over every weight (a third of a batch-1 ResNet-18 forward). A tfjs
 * tensor's data never changes (a variable's `assign` gives it new data), so a filter is known by its data
 * id. A filter is kept the second time it is met, so a training step, whose weights are new at every step,
 * keeps nothing; all is dropped when the kept weights would pass `KEEP_BYTES`. An op may ask for several
 * filters (a residual block's, lib/engine/resident.ts) before it allocates anything else: a filter is then
 * kept only while the arena is still empty, and nothing is dropped once a kept address went out in the op.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelPool } from './pool';

const KEEP_BYTES = 256 * 2 ** 20;

export class WeightCache {
  private readonly metOnce = new WeakSet<object>();
  /** Kept addresses by data id, then by layout variant. */
  private readonly kept = new Map<object, Map<string, number>>();

  constructor(readonly pool: KernelPool) {}

  /** The arena epoch (pool.ts) in which a kept address last went out. */
  private servedIn = -1;

  /**
   * The address of `filter`'s blocked weights (`bytes` long), written by `layOut(at)` at the address given,
   * which is kept memory for a filter met before, and arena memory otherwise. Call it before anything else
   * of the op is allocated.
   */
  blocked(filter: tf.Tensor, variant: string, bytes: number, layOut: (at: number) => void): number {
    const pool = this.pool;
    const hit = this.kept.get(filter.dataId)?.get(variant);
    if (hit !== undefined) return this.served(hit);
    const full = pool.keptBytes() + bytes > KEEP_BYTES;
    const metBefore = this.metOnce.has(filter.dataId);
    if (!metBefore || !pool.arenaEmpty || (full && this.servedIn === pool.arenaEpoch)) {
      this.metOnce.add(filter.dataId);
      const at = pool.alloc(bytes);
      layOut(at);
      return at;
    }
    if (full) {
      pool.dropKept();
      this.kept.clear();
    }
    const at = pool.keep(bytes);
    layOut(at);
    pool.reset(); // what layOut allocated is spent
    if (!this.kept.has(filter.dataId)) this.kept.set(filter.dataId, new Map());
    this.kept.get(filter.dataId)!.set(variant, at);
    return this.served(at);
  }

  private served(at: number): number {
    this.servedIn = this.pool.arenaEpoch;
    return at;
  }
}
