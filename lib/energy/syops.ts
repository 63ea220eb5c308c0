/**
 * Synaptic operations, SpikeBottleNet eq. 7: SyOPs(l) = fr(l) x T x FLOPs(l), with fr(l) the firing rate of the
 * spikes reaching layer l (eq. 8), T the time steps and FLOPs(l) the layer's operations per image per step.
 *
 * FLOPs = MACs (one operation per multiply-accumulate), as the paper defines them ("the number of
 * floating-point operations ..., representing the multiply-and-accumulate (MAC) operations") and as its
 * BottleNet++ row confirms: ResNet-50's RB1 has 58.72 M MACs, x 4.6 pJ = 0.27 mJ as printed (2 FLOPs per MAC
 * would print 0.54). Every spike meets each of its weights once, adding it (an AC): a layer fed no spikes
 * does 0 SyOPs, one fed a spike at every neuron and step does T x MACs.
 */
import { FiringRates } from './firing-rates';
import { CountedLayer, OpCount } from './ops';
import { checkSplitPointTable, quoted } from './split-table';

/** Eq. 7 for one layer: SyOPs per image. */
export function syops(inputRate: number, T: number, macs: number): number {
  return inputRate * T * macs;
}

/** What eq. 7 needs beyond MACs, for a layer of the device part that ends at split point `split`. */
export interface SpikeActivity {
  /** Time steps of the network split at `split`. */
  T(split: string): number;
  /** Firing rate of the spikes `layer` reads, in the network split at `split`. */
  inputRate(layer: CountedLayer, split: string): number;
}

/**
 * Resolves firing rates (as checked by `parseFiringRates`) against a model's counted layers and split points, checking up front that every
 * counted layer has a rate. T: the `T` argument, else the rates' T, else `modelT`; giving both the argument
 * and the rates' T with different values is an error.
 */
export function spikeActivity(
  rates: FiringRates,
  count: OpCount,
  T: number | undefined,
  modelT: number,
): SpikeActivity {
  if (T !== undefined && !(Number.isInteger(T) && T >= 1))
    throw new RangeError(`T: expected a positive integer, got ${T}`);
  if (T !== undefined && rates.T !== undefined && rates.T !== T) {
    throw new RangeError(
      `T is given twice, ${T} as an option and ${JSON.stringify(rates.T)} with the firing rates; expected one of them, or equal values`,
    );
  }
  const counted = count.layers.filter((l) => l.counted);
  const fromImage = counted.filter((l) => l.inputFrom === null);
  if (fromImage.length > 0) {
    const roles = [...new Set(fromImage.map((l) => l.role))];
    throw new RangeError(
      `layer(s) ${quoted(fromImage.map((l) => l.name))} read the encoded image, not spikes, so they have no SyOPs; expected their role(s) ${quoted(roles)} left out of the counted roles`,
    );
  }
  const steps = T ?? (typeof rates.T === 'number' ? rates.T : undefined) ?? modelT;

  if (rates.per === 'layer') {
    const missing = counted.filter((l) => !Object.hasOwn(rates.rates, l.inputFrom!));
    if (missing.length > 0) {
      const needed = missing.map((l) => `'${l.inputFrom}' (read by ${l.name})`).join(', ');
      throw new RangeError(
        `firing rates: no rate for spike layer(s) ${needed}; the rates name ${quoted(Object.keys(rates.rates))}`,
      );
    }
    return { T: () => steps, inputRate: (layer) => rates.rates[layer.inputFrom!] };
  }

  const splits = count.splitPoints.map((p) => p.split);
  const isNumber = (v: unknown) => typeof v === 'number';
  checkSplitPointTable(`firing rates per split point of ${count.model}`, rates.rates, splits, isNumber, 'a rate');
  const perSplitT = typeof rates.T === 'object' ? rates.T : null;
  if (perSplitT) checkSplitPointTable(`T per split point of ${count.model}`, perSplitT, splits, isNumber, 'time steps');
  return { T: (split) => perSplitT?.[split] ?? steps, inputRate: (_layer, split) => rates.rates[split] };
}
