/**
 * The firing rates an SNN energy estimate uses, as data (a JSON file or an object), in one of two forms:
 *
 *   { "per": "layer", "rates": { "stem.lif": 0.21, "RB1.lif1": 0.14, ... }, "T": 4 }
 *     One network: the rate of every spike layer (SpikeBottleNet eq. 8: spikes / (neurons x T)), named as the
 *     firing-rate monitor and `LayerDescription.inputFrom` name them ('input' for spike-encoded input). A layer's
 *     SyOPs use the rate of the spikes it reads; names no counted layer reads are ignored.
 *
 *   { "per": "splitPoint", "rates": { "RB1": 0.6946, "RB2": 0.4197, ... }, "T": { "RB1": 4, "RB2": 2, ... } }
 *     One network per split point (SpikeBottleNet trains a model per split point, each with its own T): the rate
 *     of a split point is the mean input firing rate over the counted layers its device part runs, weighted by
 *     their MACs (sum_l fr_l MACs_l / sum_l MACs_l), so that device part's SyOPs are rate x T x cumulative MACs.
 *     Every split point of the model needs a rate (and a T when T is a map).
 *
 * Rates are in [0, 1]. "T" (time steps) is optional: a positive integer (or, per split point, a map); without
 * it the report's T option, else the model's T, is used.
 */
import { FiringRate } from '../snn/monitor';

export interface LayerFiringRates {
  readonly per: 'layer';
  /** Spike layer name -> spikes per neuron per step. */
  readonly rates: Readonly<Record<string, number>>;
  readonly T?: number;
}

export interface SplitPointFiringRates {
  readonly per: 'splitPoint';
  /** Split point -> MAC-weighted mean input firing rate of its device part's counted layers. */
  readonly rates: Readonly<Record<string, number>>;
  readonly T?: number | Readonly<Record<string, number>>;
}

export type FiringRates = LayerFiringRates | SplitPointFiringRates;

export const FIRING_RATES_FORMAT =
  '{ "per": "layer", "rates": { "<spike layer>": rate, ... }, "T"?: steps } or ' +
  '{ "per": "splitPoint", "rates": { "<split point>": rate, ... }, "T"?: steps | { "<split point>": steps, ... } }, rates in [0, 1]';

const isRate = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;
const isSteps = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

function isRecordOf(v: unknown, check: (x: unknown) => boolean): v is Record<string, number> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(check);
}

/** Checks firing rates read from JSON (`where` names the source in errors, e.g. the file path). */
export function parseFiringRates(json: unknown, where = 'firing rates'): FiringRates {
  function fail(what: string): never {
    throw new TypeError(`${where}: ${what}; expected ${FIRING_RATES_FORMAT}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail(`got ${JSON.stringify(json)}`);
  const { per, rates, T, ...extra } = json as Record<string, unknown>;
  if (Object.keys(extra).length > 0)
    fail(
      `unexpected field(s) ${Object.keys(extra)
        .map((k) => `'${k}'`)
        .join(', ')}`,
    );
  if (per !== 'layer' && per !== 'splitPoint') fail(`"per" is ${JSON.stringify(per)}, not "layer" or "splitPoint"`);
  if (!isRecordOf(rates, isRate) || Object.keys(rates).length === 0) {
    const bad = isRecordOf(rates, () => true) ? Object.entries(rates).filter(([, v]) => !isRate(v)) : [];
    fail(
      bad.length > 0
        ? `rates out of [0, 1]: ${bad.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')}`
        : `"rates" is ${JSON.stringify(rates)}`,
    );
  }
  const stepsOk = T === undefined || isSteps(T) || (per === 'splitPoint' && isRecordOf(T, isSteps));
  if (!stepsOk)
    fail(`"T" is ${JSON.stringify(T)}, not a positive integer${per === 'splitPoint' ? ' or a map of them' : ''}`);
  return { per, rates, ...(T === undefined ? {} : { T }) } as FiringRates;
}

/** The rates a firing-rate monitor read (one network, one T), in the per-layer form. */
export function firingRatesFromMonitor(readings: readonly FiringRate[]): LayerFiringRates {
  if (readings.length === 0)
    throw new RangeError(
      'firing rates from the monitor: it saw no spike layer; expected a forward pass observed by it',
    );
  const steps = [...new Set(readings.map((r) => r.T))];
  if (steps.length > 1)
    throw new RangeError(
      `firing rates from the monitor: passes used different T (${steps.join(', ')}); expected one T (clear() between runs)`,
    );
  return { per: 'layer', rates: Object.fromEntries(readings.map((r) => [r.name, r.rate])), T: steps[0] };
}
