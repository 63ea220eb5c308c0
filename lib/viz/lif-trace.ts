/** One LIF neuron run step by step with `lifStep`, kept as the membrane trace `membraneTraceFigure` draws. */
import * as tf from '@tensorflow/tfjs-core';
import { lifStep, type LifParams } from '../snn/lif';
import type { MembraneTrace } from './spikes';

/** Runs one LIF neuron over `input`, keeping what SpikeBottleNet's eqs. 1-3 compute at every step. */
export function lifTrace(input: readonly number[], params: LifParams): MembraneTrace {
  const trace: MembraneTrace = { input: [...input], membrane: [], spikes: [], afterReset: [], threshold: params.vth };
  let uPrev = 0;
  for (const x of input) {
    const [spike, u] = tf.tidy(() => {
      const r = lifStep(tf.tensor1d([x]), tf.tensor1d([uPrev]), params);
      return [r.spike.dataSync()[0], r.u.dataSync()[0]];
    });
    trace.membrane.push(params.decay * uPrev + x); // h[t], eq. 1
    trace.spikes.push(spike);
    trace.afterReset.push(u);
    uPrev = u;
  }
  return trace;
}
