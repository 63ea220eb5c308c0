/**
 * The models the testbed runs, made by the NeuCODEX experiment under its `resnet18-static` group: `backbone/`
 * (weights of the backbone alone), `T<T>/` (the split model sending every step) and `T<T'>/` for T' < T (with
 * temporal compression), each `T*` holding `spec.json` (a TestbedModelSpec) and its weights.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readTestbedSpec, type TestbedModelSpec } from '../../coinfer/testbed-model';
import { neucodexGroup, neucodexGroupDir } from '../paths';

/** Where the NeuCODEX experiment writes the models the testbed runs: its ResNet-18 on static images. */
export const neucodexModelsDir = (preset: string) => neucodexGroupDir(preset, neucodexGroup('resnet18', 'static'));

/** The trained models, or an Error naming what is missing and the command that makes it. */
export function findTestbedModels(preset: string): {
  backboneDir: string;
  split: { file: string; spec: TestbedModelSpec };
  compressed: { file: string; spec: TestbedModelSpec }[];
} {
  const dir = neucodexModelsDir(preset);
  const missing = (what: string) =>
    new Error(
      `testbed: ${what}; the NeuCODEX experiment makes these models: run 'spikesplit neucodex --preset ${preset}' first`,
    );
  const backboneDir = path.join(dir, 'backbone');
  if (!fs.existsSync(path.join(backboneDir, 'weights.json')))
    throw missing(`no backbone weights at ${path.join(backboneDir, 'weights.json')}`);
  const specs = (fs.existsSync(dir) ? fs.readdirSync(dir) : [])
    .filter((name) => /^T\d+$/.test(name) && fs.existsSync(path.join(dir, name, 'spec.json')))
    .map((name) => ({
      file: path.join(dir, name, 'spec.json'),
      spec: readTestbedSpec(path.join(dir, name, 'spec.json')),
    }));
  const split = specs.find((s) => s.spec.sentSteps === undefined);
  const compressed = specs
    .filter((s) => s.spec.sentSteps !== undefined)
    .sort((a, b) => a.spec.sentSteps! - b.spec.sentSteps!);
  if (!split) throw missing(`no split model sending every step (a T<T>/spec.json without sentSteps) under ${dir}`);
  if (compressed.length === 0)
    throw missing(`no temporally compressed model (a T<T'>/spec.json with sentSteps) under ${dir}`);
  for (const c of compressed) {
    if (c.spec.T !== split.spec.T)
      throw new Error(
        `testbed: ${c.file} has T = ${c.spec.T}, but ${split.file} has T = ${split.spec.T}; expected one T for every model`,
      );
  }
  return { backboneDir, split, compressed };
}

/** Fewest sent steps that leave at least two (something to exit from), else the fewest. */
export function pickCompressed<S extends { spec: TestbedModelSpec }>(compressed: S[]): S {
  return compressed.find((c) => c.spec.sentSteps! >= 2) ?? compressed[0];
}
