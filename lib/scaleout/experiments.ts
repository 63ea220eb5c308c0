/**
 * What the queue runs, per experiment: groups of rows that share one backbone, and for each the SAME functions a
 * local run calls (`pretrainBackbone` and `runSweepRow` for the split sweep, `runNeucodexBackbone` and
 * `runNeucodexRow` for NeuCODEX), so that a row computes the same thing wherever it runs. The data a preset draws
 * is loaded once per worker process and preset.
 */
import { pretrainBackbone } from '../experiments/backbone';
import { presetData, type PresetData } from '../experiments/data';
import {
  neucodexConfigs,
  neucodexContext,
  neucodexRowFinished,
  runNeucodexBackbone,
  runNeucodexRow,
  collectNeucodex,
  type NeucodexContext,
} from '../experiments/neucodex';
import type { Preset } from '../experiments/preset';
import { collectResults } from '../experiments/results';
import { readRow, runSweepRow, sweepConfigs } from '../experiments/sweep';
import type { TrainOptions } from '../train/trainer';

export const EXPERIMENTS = ['sweep', 'neucodex'] as const;
export type ExperimentName = (typeof EXPERIMENTS)[number];

/** Rows that need one backbone: `backbone` names it within the experiment. */
export interface RowGroup {
  backbone: string;
  rows: string[];
}

/** A job's summary, kept in Redis as its return value. */
export type JobSummary = Record<string, string | number | boolean | null | Record<string, number>>;

export interface QueuedExperiment {
  name: ExperimentName;
  groups(preset: Preset): RowGroup[];
  rowFinished(preset: Preset, row: string): boolean;
  runBackbone(preset: Preset, backbone: string, options: TrainOptions): Promise<JobSummary>;
  runRow(preset: Preset, row: string, options: TrainOptions): Promise<JobSummary>;
  /** Writes the results file a local run writes, from the store; returns the ids still missing. */
  collect(preset: Preset): { file: string; missing: string[] };
}

/** Loads a preset's data once per process (keyed by the whole preset, which a job carries). */
function cached<T>(load: (p: Preset) => Promise<T>): (p: Preset) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (p) => {
    const key = JSON.stringify(p);
    if (!cache.has(key)) cache.set(key, load(p));
    return cache.get(key)!;
  };
}

const sweepData = cached<PresetData>(presetData);
const neucodexData = cached<NeucodexContext>(neucodexContext);

function unknownRow(preset: Preset, experiment: string, row: string): never {
  throw new RangeError(`preset '${preset.name}' has no ${experiment} row '${row}'`);
}

const sweep: QueuedExperiment = {
  name: 'sweep',
  groups: (preset) => [{ backbone: 'backbone', rows: sweepConfigs(preset).map((c) => c.id) }],
  rowFinished: (preset, row) => readRow(preset, row) !== null,
  async runBackbone(preset, _backbone, options) {
    const s = await pretrainBackbone(preset, { ...options, data: await sweepData(preset) });
    return { accuracyByT: s.accuracyByT, trainSeconds: s.trainSeconds };
  },
  async runRow(preset, id, options) {
    const config = sweepConfigs(preset).find((c) => c.id === id) ?? unknownRow(preset, 'sweep', id);
    const r = await runSweepRow(preset, config, await sweepData(preset), options);
    return {
      id: r.id,
      accuracy: r.accuracy,
      drop: r.drop,
      bits: r.bits,
      epochs: r.history.length,
      wallSeconds: r.wallSeconds,
    };
  },
  collect(preset) {
    const { missing } = collectResults(preset);
    return { file: 'results.json', missing };
  },
};

const neucodex: QueuedExperiment = {
  name: 'neucodex',
  groups(preset) {
    const configs = neucodexConfigs(preset);
    return [...new Set(configs.map((c) => c.group))].map((g) => ({
      backbone: g,
      rows: configs.filter((c) => c.group === g).map((c) => c.id),
    }));
  },
  rowFinished: (preset, row) => neucodexRowFinished(preset, row),
  async runBackbone(preset, group, options) {
    const c = neucodexConfigs(preset).find((x) => x.group === group) ?? unknownRow(preset, 'neucodex backbone', group);
    const b = await runNeucodexBackbone(preset, c, await neucodexData(preset), options);
    return { group: b.group, accuracy: b.accuracy, trainSeconds: b.trainSeconds };
  },
  async runRow(preset, id, options) {
    const c = neucodexConfigs(preset).find((x) => x.id === id) ?? unknownRow(preset, 'neucodex', id);
    const r = await runNeucodexRow(preset, c, await neucodexData(preset), options);
    return {
      id: r.id,
      accuracy: r.accuracy,
      drop: r.drop,
      bits: r.bits.sent,
      epochs: r.history.length,
      wallSeconds: r.wallSeconds,
    };
  },
  collect(preset) {
    const { missing } = collectNeucodex(preset);
    return { file: 'neucodex.json', missing };
  },
};

export const QUEUED_EXPERIMENTS: Record<ExperimentName, QueuedExperiment> = { sweep, neucodex };
