/**
 * Firing-rate monitor (SpikeBottleNet eq. 8): for every LIF layer, the spikes it emitted divided by
 * (neurons x T) over the samples seen. Pass it as the observer of a forward pass
 * (`model.forward(x, { observer: monitor })`), read, clear; a pass without it is not observed. It only reads
 * the spikes, so outputs are unchanged. Counts are per-channel sums read back as doubles, exact for any batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ForwardObserver, Run } from './module';

export interface FiringRate {
  /** The spike layer's name (`RB3.lif2`, `input` for spike-encoded input). */
  readonly name: string;
  /** Neurons per image per step (h * w * c). */
  readonly neurons: number;
  /** Images seen (summed over passes). */
  readonly samples: number;
  /** Time steps of the last pass. */
  readonly T: number;
  readonly spikes: number;
  /** spikes / (neurons * T * samples). */
  readonly rate: number;
}

interface Tally {
  neurons: number;
  samples: number;
  T: number;
  pending: tf.Tensor[]; // per-channel spike counts of each pass, read lazily
  spikes: number;
  steps: number; // samples * T summed over passes
}

export class FiringRateMonitor implements ForwardObserver {
  private readonly tallies = new Map<string, Tally>();

  activation(name: string, out: tf.Tensor, spiking: boolean, run: Run): void {
    if (!spiking) return;
    const neurons = out.size / out.shape[0];
    const samples = out.shape[0] / run.T;
    let tally = this.tallies.get(name);
    if (!tally) {
      tally = { neurons, samples: 0, T: run.T, pending: [], spikes: 0, steps: 0 };
      this.tallies.set(name, tally);
    } else if (tally.neurons !== neurons) {
      throw new RangeError(
        `firing-rate monitor: layer '${name}' had ${tally.neurons} neurons per step, now ${neurons}; clear() between models`,
      );
    }
    const axes = out.shape.slice(0, -1).map((_, i) => i);
    tally.pending.push(tf.keep(tf.tidy(() => tf.sum(out, axes))));
    tally.samples += samples;
    tally.T = run.T;
    tally.steps += samples * run.T;
  }

  /** Rates of every spike layer seen, in the order first seen. */
  read(): FiringRate[] {
    return [...this.tallies].map(([name, t]) => {
      for (const counts of t.pending) {
        for (const v of counts.dataSync()) t.spikes += v;
        counts.dispose();
      }
      t.pending = [];
      return {
        name,
        neurons: t.neurons,
        samples: t.samples,
        T: t.T,
        spikes: t.spikes,
        rate: t.spikes / (t.neurons * t.steps),
      };
    });
  }

  /** The rate of one layer; throws when the layer was not seen. */
  rate(name: string): number {
    const found = this.read().find((r) => r.name === name);
    if (!found)
      throw new RangeError(
        `firing-rate monitor saw no spike layer '${name}'; it saw: ${[...this.tallies.keys()].join(', ') || 'none'}`,
      );
    return found.rate;
  }

  clear(): void {
    for (const t of this.tallies.values()) for (const counts of t.pending) counts.dispose();
    this.tallies.clear();
  }
}
