/**
 * Step 1 of a NeuCODEX group: the backbone alone, pretrained (resumable; skipped when `backbone/summary.json`
 * exists) and evaluated edge-only: accuracy, firing rates, device energy of the whole model.
 */
import * as path from 'path';
import { backboneDeviceLayers, deviceEnergy } from '../../energy/device-energy';
import type { SplitBackbone } from '../../models/backbone';
import { createModel } from '../../models/registry';
import { saveWeights } from '../../models/weights';
import { train, type TrainOptions } from '../../train/trainer';
import { readJsonArtefactIfPresent } from '../../util/artefact';
import { writeJsonAtomic } from '../../util/atomic';
import type { PresetData } from '../data';
import { measureTestSet } from '../measure';
import type { NeucodexPreset, Preset } from '../preset';
import { provenance } from '../provenance';
import { neucodexBackboneDir } from './configs';
import type { NeucodexBackbone, NeucodexConfig } from './schema';
import { inputOptions, type NeucodexSources } from './sources';

/** The group's backbone with fresh weights from `seed`, taking the group's input. */
export function freshBackbone(nx: NeucodexPreset, c: NeucodexConfig, data: PresetData, seed: number): SplitBackbone {
  return createModel(c.model, {
    width: nx.width,
    T: nx.T,
    classes: data.classes,
    seed,
    ...inputOptions(c.input, data),
  });
}

/** Pretrains `model` and measures it edge-only: the summary written to `backbone/summary.json`. */
async function pretrainAndMeasure(
  preset: Preset,
  c: NeucodexConfig,
  model: SplitBackbone,
  sources: NeucodexSources,
  options: TrainOptions,
): Promise<NeucodexBackbone> {
  const nx = preset.neucodex;
  const dir = neucodexBackboneDir(preset.name, c.group);
  const { history } = await train(model, sources.train, sources.test, nx.pretrain, { ...options, runDir: dir });
  const { accuracy, correct, firingRates } = measureTestSet(model, sources.test, nx.pretrain.batchSize);
  saveWeights(model, path.join(dir, 'weights.json'));
  const edgeOnly = deviceEnergy(backboneDeviceLayers(model), { hardware: nx.hardware, firingRates });
  return {
    ...provenance(preset.name, nx.pretrain.seed),
    group: c.group,
    model: c.model,
    input: c.input,
    width: nx.width,
    T: nx.T,
    data: sources.description,
    history,
    accuracy,
    correct,
    firingRates,
    edgeOnlyEnergyPJ: edgeOnly.totalPJ,
    edgeOnlyRealInputPJ: edgeOnly.realInputPJ,
    trainSeconds: history.reduce((s, r) => s + r.seconds, 0),
  };
}

/** Trains (or resumes, or reads when finished) the backbone of `c`'s group. */
export async function runBackbone(
  preset: Preset,
  c: NeucodexConfig,
  data: PresetData,
  sources: NeucodexSources,
  options: TrainOptions,
): Promise<NeucodexBackbone> {
  const nx = preset.neucodex;
  const summaryFile = path.join(neucodexBackboneDir(preset.name, c.group), 'summary.json');
  const done = readJsonArtefactIfPresent<NeucodexBackbone>(summaryFile);
  if (done) return done;
  const log = options.log ?? ((l: string) => console.error(l));
  log(`neucodex: pretraining ${c.group} (width ${nx.width}, T ${nx.T}) on ${sources.description}`);
  const model = freshBackbone(nx, c, data, nx.pretrain.seed);
  try {
    const summary = await pretrainAndMeasure(preset, c, model, sources, options);
    writeJsonAtomic(summaryFile, summary);
    log(`neucodex: ${c.group} edge-only test accuracy ${(100 * summary.accuracy).toFixed(2)}%`);
    return summary;
  } finally {
    model.dispose();
  }
}
