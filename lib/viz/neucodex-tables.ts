/**
 * NeuCODEX's results as the tables of notebook 06: what was run, the backbones alone, one table per backbone and
 * input (bits, device energy and accuracy drop for each T′), and the abstract's claims beside the best of our rows.
 */
import type { NeucodexResultRow, NeucodexResults } from '../experiments/neucodex';
import type { TrainConfig } from '../train/trainer';
import { percentWithInterval } from './format';

export const pct = (f: number) => `${(100 * f).toFixed(1)}%`;
/** A reduction factor: `12x`, `3.25x`. */
export const times = (r: number) => `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}x`;
export const microJ = (pJ: number) => (pJ / 1e6).toFixed(3);
/** `resnet18 static T'=2`: one split model of the results. */
export const neucodexRowName = (r: NeucodexResultRow) => `${r.model} ${r.input} T'=${r.sentSteps}`;
const groupName = (r: NeucodexResultRow) => `${r.model}, ${r.input}`;

const training = (c: TrainConfig) =>
  `${c.epochs} epoch(s), batch ${c.batchSize}, ${c.optimizer.kind}, lr ${'lr' in c.schedule ? c.schedule.lr : ''} (${c.schedule.kind}), augmentation ${c.augment ? 'on (static)' : 'off'}`;

/** The preset's `neucodex` section as it was run, one row per item; `presetDescription` says what the preset is. */
export function neucodexRunRows(
  results: NeucodexResults,
  presetDescription: string,
): { what: string; value: string }[] {
  const nx = results.config;
  const rows = results.rows;
  const first = (input: string) => rows.find((r) => r.input === input)?.data ?? 'not run';
  return [
    { what: 'preset', value: `${results.preset}: ${presetDescription}` },
    { what: 'static data', value: first('static') },
    { what: 'event data', value: first('events') },
    {
      what: 'backbones, split point, c′',
      value: nx.backbones.map((b) => `${b.model} at ${b.splitPoint}, c′ = c / ${b.channelDivisor}`).join('; '),
    },
    { what: 'width multiplier', value: String(nx.width) },
    { what: 'T (time steps)', value: String(nx.T) },
    { what: 'T′ (steps sent)', value: nx.sentSteps.join(', ') },
    { what: 'pretraining', value: training(nx.pretrain) },
    { what: 'fine-tuning', value: training(nx.finetune) },
    { what: 'early exit', value: `${nx.earlyExit.confidence}, thresholds ${nx.earlyExit.thresholds.join(', ')}` },
    { what: 'energy profile', value: nx.hardware },
    { what: 'git revision(s)', value: [...new Set(rows.map((r) => r.gitRevision))].join(', ') },
  ];
}

/** The backbones alone (edge-only inference): accuracy, device energy, pretraining time and final loss. */
export function neucodexBackboneRows(results: NeucodexResults): Record<string, string | undefined>[] {
  return results.backbones.map((b) => ({
    backbone: b.model,
    input: b.input,
    'edge-only accuracy % [95% CI]': percentWithInterval(b.accuracy, b.accuracyEstimate),
    'edge-only device energy [µJ]': microJ(b.edgeOnlyEnergyPJ),
    'pretraining [s]': b.trainSeconds.toFixed(0),
    'final train loss': b.history[b.history.length - 1]?.trainLoss.toFixed(3),
  }));
}

/** One split model: bits sent and their reductions, device energy and its reduction, accuracy and paired drop. */
function splitModelRow(r: NeucodexResultRow): Record<string, string | number> {
  return {
    'T → T′': `${r.T} → ${r.sentSteps}`,
    'split, sent [h′,w′,c′]': `${r.splitPoint}, [${r.sentShape.join(',')}]`,
    'bits sent': r.bits.sent,
    'vs raw input': times(r.bits.reductionVsRawInput),
    ...(r.bits.eventStream === null ? {} : { 'vs AEDAT stream': times(r.bits.eventStream / r.bits.sent) }),
    'vs uncompressed feature': times(r.bits.reductionVsFeature),
    'device energy [µJ]': microJ(r.energy.devicePJ),
    'of which bottleneck + temporal encoders [µJ]': microJ(
      r.energy.partsPJ['bottleneck encoder'] + r.energy.partsPJ['temporal encoder'],
    ),
    'energy reduction vs edge-only': pct(r.energy.reduction),
    'counting spiking layers only': pct(r.energy.spikingReduction),
    'split accuracy % [95% CI]': percentWithInterval(r.accuracy, r.accuracyEstimate),
    'drop, points [95% CI]': percentWithInterval(r.pairedDrop.drop, r.pairedDrop),
  };
}

/** One table per backbone and input, a row per T′, captioned with what the raw input is. */
export function neucodexSplitTables(
  results: NeucodexResults,
): { group: string; caption: string; rows: Record<string, string | number>[] }[] {
  const rows = results.rows;
  return [...new Set(rows.map(groupName))].map((group) => {
    const inGroup = rows.filter((r) => groupName(r) === group);
    return { group, caption: `${group}: raw input = ${inGroup[0].bits.rawInputIs}`, rows: inGroup.map(splitModelRow) };
  });
}

const best = <T>(items: readonly T[], key: (t: T) => number) => items.reduce((a, b) => (key(b) > key(a) ? b : a));

/** NeuCODEX's abstract's claims, each beside the best of our rows (latency: the testbed, notebook 07). */
export function neucodexClaimRows(results: NeucodexResults): { claim: string; abstract: string; ours: string }[] {
  const rows = results.rows;
  const mostRaw = best(rows, (r) => r.bits.reductionVsRawInput);
  const mostFeature = best(rows, (r) => r.bits.reductionVsFeature);
  const mostEnergy = best(rows, (r) => r.energy.reduction);
  const leastDrop = best(rows, (r) => -r.drop);
  const within2 = rows.filter((r) => r.drop < 0.02);
  const shownWithin2 = rows.filter((r) => r.pairedDrop.upper < 0.02);
  const over90 = rows.filter((r) => r.energy.reduction > 0.9).length;
  return [
    {
      claim: 'data transfer reduction',
      abstract: 'up to 2048x',
      ours: `up to ${times(mostRaw.bits.reductionVsRawInput)} vs the raw input (${neucodexRowName(mostRaw)}); up to ${times(mostFeature.bits.reductionVsFeature)} vs the uncompressed feature (${neucodexRowName(mostFeature)})`,
    },
    {
      claim: 'edge energy reduction vs edge-only',
      abstract: 'over 90%',
      ours: `up to ${pct(mostEnergy.energy.reduction)} (${neucodexRowName(mostEnergy)}); ${over90} of ${rows.length} rows over 90%`,
    },
    {
      claim: 'accuracy drop',
      abstract: 'less than 2%',
      ours: `${within2.length} of ${rows.length} rows below 2 points by the point estimate, ${shownWithin2.length} with the whole 95% interval below 2 points; smallest ${(100 * leastDrop.drop).toFixed(1)} pts (${neucodexRowName(leastDrop)})`,
    },
    {
      claim: 'end-to-end latency vs edge-only',
      abstract: 'up to 3x lower',
      ours: 'not measured here (the testbed, notebook 07)',
    },
  ];
}
