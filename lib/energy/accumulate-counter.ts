/**
 * The accumulates the spike kernels executed, per layer: an observer like the firing-rate monitor. Pass it
 * as the observer of a forward pass (or of a training step, which adds the filter gradient's), read, clear.
 * Each is one addition of a weight (forward) or of an output gradient (filter gradient) that a spike selected:
 * the synaptic operations (SyOPs) of SpikeBottleNet eq. 7, counted where they happen instead of estimated
 * from firing rates.
 */
import type { SpikePass } from '../engine/spike-conv';
import type { ForwardObserver, WeightLayer } from '../snn/module';

export interface LayerAccumulates {
  readonly layer: string;
  /** Accumulates of the forward passes seen. */
  readonly forward: number;
  /** Accumulates of the filter gradients computed from those passes. */
  readonly filterGrad: number;
}

export class AccumulateCounter implements ForwardObserver {
  private readonly counts = new Map<string, { forward: number; filterGrad: number }>();

  accumulates(layer: WeightLayer, count: number, pass: SpikePass): void {
    let c = this.counts.get(layer.name);
    if (!c) {
      c = { forward: 0, filterGrad: 0 };
      this.counts.set(layer.name, c);
    }
    if (pass === 'forward') c.forward += count;
    else c.filterGrad += count;
  }

  /** Every layer seen, in the order first seen. */
  read(): LayerAccumulates[] {
    return [...this.counts].map(([layer, c]) => ({ layer, ...c }));
  }

  /** The forward accumulates of one layer; throws when no spike kernel of that name ran. */
  forward(layer: string): number {
    const c = this.counts.get(layer);
    if (!c)
      throw new RangeError(
        `accumulate counter saw no spike kernel of layer '${layer}'; it saw: ${[...this.counts.keys()].join(', ') || 'none'}`,
      );
    return c.forward;
  }

  clear(): void {
    this.counts.clear();
  }
}
