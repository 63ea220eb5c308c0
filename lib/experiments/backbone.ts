/**
 * Step 1 of the two-step training (paper 3.6): train the spiking backbone alone, then evaluate it at each
 * of the preset's time steps. Resumable (checkpoints every epoch); a finished backbone is not trained again.
 */
import * as fs from 'fs';
import type { SplitBackbone } from '../models/backbone';
import { kernelThreads } from '../engine/engine';
import { createModel } from '../models/registry';
import type { ModelRecipe } from '../train/replicas';
import { loadWeights, saveWeights } from '../models/weights';
import { evaluate } from '../train/evaluate';
import { train, type EpochRecord, type TrainOptions } from '../train/trainer';
import { checkWritableDir, writeJsonAtomic } from '../util/atomic';
import { presetData, type PresetData } from './data';
import { backboneDir, backboneSummaryFile, backboneWeights } from './paths';
import { readableRunFile } from './published';
import type { Preset } from './preset';
import { provenance, type Provenance } from './provenance';
import { readJsonArtefactIfPresent } from '../util/artefact';
import {
  accuracyEstimate,
  decodeCorrectness,
  encodeCorrectness,
  type AccuracyEstimate,
  type Correctness,
} from '../stats/correctness';

export interface BackboneSummary extends Provenance {
  model: Preset['model'] & { classes: number };
  data: string;
  history: EpochRecord[];
  /** Test accuracy (fraction) by time steps, e.g. { "2": 0.61, "4": 0.63 }. */
  accuracyByT: Record<string, number>;
  /** Per test image, by time steps: correct or not (the baseline of every sweep row's paired drop). */
  correctByT: Record<string, Correctness>;
  trainSeconds: number;
  /** Data-parallel replicas each step was split between (one per engine thread; 1: none, lib/train/replicas.ts). */
  replicas: number;
}

/** How the preset's backbone (name, width, stem stride) with `T` steps is built, freshly initialised. */
function backboneRecipe(preset: Preset, classes: number, T: number): ModelRecipe {
  const { name, width, stemStride } = preset.model;
  return { name, options: { width, stemStride, T, classes, seed: preset.pretrain.seed } };
}

function presetBackbone(preset: Preset, classes: number, T: number): SplitBackbone {
  const { name, options } = backboneRecipe(preset, classes, T);
  return createModel(name, options);
}

/** A fresh backbone of the preset's architecture with `T` steps and the trained weights. */
export function loadBackbone(preset: Preset, classes: number, T = preset.model.T): SplitBackbone {
  const file = readableRunFile(preset.name, backboneWeights(preset.name));
  if (!fs.existsSync(file))
    throw new Error(
      `no trained backbone for preset '${preset.name}' at ${file}; run 'spikesplit train --preset ${preset.name}' first`,
    );
  const model = presetBackbone(preset, classes, T);
  loadWeights(model, file);
  return model;
}

export function readBackboneSummary(preset: Preset): BackboneSummary | null {
  return readJsonArtefactIfPresent<BackboneSummary>(backboneSummaryFile(preset.name));
}

/** The backbone's test accuracy with its 95% Wilson interval, by time steps, from its per-image correctness. */
export function backboneAccuracy(summary: BackboneSummary): Record<string, AccuracyEstimate> {
  const file = backboneSummaryFile(summary.preset);
  return Object.fromEntries(
    Object.keys(summary.accuracyByT).map((T) => [
      T,
      accuracyEstimate(decodeCorrectness(summary.correctByT?.[T], `${file} at T=${T}`)),
    ]),
  );
}

/** Trains (or resumes, or skips when finished) the preset's backbone; returns its summary. */
export async function pretrainBackbone(
  preset: Preset,
  options: TrainOptions & { data?: PresetData } = {},
): Promise<BackboneSummary> {
  const done = readBackboneSummary(preset);
  if (done) return done;
  checkWritableDir(backboneDir(preset.name)); // before an epoch of training, not after it
  const log = options.log ?? ((l: string) => console.error(l));
  const data = options.data ?? (await presetData(preset, options.progress));
  log(
    `pretraining ${preset.model.name} (width ${preset.model.width}, stem stride ${preset.model.stemStride ?? 1}, T ${preset.model.T}) on ${data.description}`,
  );
  const recipe = backboneRecipe(preset, data.classes, preset.model.T);
  const model = createModel(recipe.name, recipe.options);
  const replicas = { recipe, count: kernelThreads() };
  try {
    const t0 = Date.now();
    const { history } = await train(model, data.train, data.monitor, preset.pretrain, {
      replicas,
      ...options,
      runDir: backboneDir(preset.name),
    });
    const trainSeconds = history.reduce((s, r) => s + r.seconds, 0);
    const { accuracyByT, correctByT } = evaluateAtEachT(preset, model, data);
    saveWeights(model, backboneWeights(preset.name));
    const summary: BackboneSummary = {
      ...provenance(preset.name, preset.pretrain.seed),
      model: { ...preset.model, classes: data.classes },
      data: data.description,
      history,
      accuracyByT,
      correctByT,
      trainSeconds,
      replicas: replicas.count,
    };
    writeJsonAtomic(backboneSummaryFile(preset.name), summary);
    log(`backbone: test accuracy ${accuracyLine(accuracyByT)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    return summary;
  } finally {
    model.dispose();
  }
}

/** The trained backbone on the test set at each of the preset's time steps (`evalT`). */
function evaluateAtEachT(preset: Preset, model: SplitBackbone, data: PresetData) {
  const accuracyByT: Record<string, number> = {};
  const correctByT: Record<string, Correctness> = {};
  for (const T of preset.evalT) {
    const test = evaluate(model, data.test, preset.pretrain.batchSize, { T });
    accuracyByT[T] = test.accuracy;
    correctByT[T] = encodeCorrectness(test.correct);
  }
  return { accuracyByT, correctByT };
}

/** `61.00% at T=2, 63.00% at T=4`. */
function accuracyLine(accuracyByT: Record<string, number>): string {
  return Object.entries(accuracyByT)
    .map(([T, a]) => `${(100 * a).toFixed(2)}% at T=${T}`)
    .join(', ');
}
