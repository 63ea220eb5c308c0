/**
 * The split model a testbed process (serve, device, bench, the testbed experiment) runs, built the same way on
 * both sides from plain data: a backbone from the registry with a bottleneck at the split point, and with
 * `sentSteps` (T' < T) NeuCODEX's learned temporal compression around it (`TemporallyCompressedModel`). Its
 * weights are read from `<weightsDir>/weights.json` (a `saveWeights` manifest of the model built exactly as
 * here) or, with no directory, made fresh from the seed. `source` says which, for the run's output.
 *
 * `readTestbedSpec` reads a spec from a `spec.json` file (as `spikesplit neucodex` writes one beside the
 * weights); a relative `weightsDir` in it is relative to the file's folder. `buildTestbedBackbone` builds the
 * backbone alone (what edge-only and raw offload run in the NeuCODEX comparison) with its own weights.
 */
import * as path from 'path';
import { BottleneckedModel, insertBottleneck } from '../bottleneck/bottlenecked-model';
import { SplitBackbone } from '../models/backbone';
import { createModel } from '../models/registry';
import { loadWeights } from '../models/weights';
import { TemporallyCompressedModel } from '../neucodex/compressed-model';
import { compressedEnds, SplitHead, SplitTail, splitEnds } from './model-ends';
import { readJsonArtefact } from '../util/artefact';

export interface TestbedModelSpec {
  readonly model: string;
  readonly width: number;
  readonly T: number;
  readonly classes: number;
  readonly splitPoint: string;
  /** Bottleneck channels c'. */
  readonly channels: number;
  /** Seeds the fresh weights (backbone, bottleneck, temporal compression). */
  readonly seed: number;
  /** Holds weights.json + weights.bin; omitted: fresh weights. */
  readonly weightsDir?: string;
  /** Time steps sent, T' < T dividing T: learned temporal compression; omitted: every step is sent. */
  readonly sentSteps?: number;
}

export interface TestbedModel {
  /** The bottlenecked model (inside the compressed one, if any). */
  readonly model: BottleneckedModel;
  readonly compressed?: TemporallyCompressedModel;
  /** What device and server run. */
  readonly head: SplitHead;
  readonly tail: SplitTail;
  /** `resnet18+bottleneck@RB2` or `resnet18+bottleneck@RB2+temporal4to1`. */
  readonly name: string;
  readonly source: string;
  /** Frees everything built here. */
  dispose(): void;
}

export function buildTestbedModel(spec: TestbedModelSpec): TestbedModel {
  const backbone = createModel(spec.model, { width: spec.width, T: spec.T, classes: spec.classes, seed: spec.seed });
  let model: BottleneckedModel | undefined;
  let compressed: TemporallyCompressedModel | undefined;
  const dispose = () => {
    compressed?.dispose();
    model?.dispose();
    backbone.dispose();
  };
  try {
    model = insertBottleneck(backbone, spec.splitPoint, { channels: spec.channels }, { seed: spec.seed });
    if (spec.sentSteps !== undefined) compressed = new TemporallyCompressedModel(model, { sentSteps: spec.sentSteps });
    const source =
      spec.weightsDir === undefined ? freshSource(spec.seed) : loadFrom(compressed ?? model, spec.weightsDir);
    const { head, tail } = compressed ? compressedEnds(compressed) : splitEnds(model);
    return { model, compressed, head, tail, name: compressed?.name ?? model.name, source, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

/** The spec's backbone alone, its weights from `<weightsDir>/weights.json` (fresh from the seed without one). */
export function buildTestbedBackbone(
  spec: TestbedModelSpec,
  weightsDir?: string,
): { backbone: SplitBackbone; source: string } {
  const backbone = createModel(spec.model, { width: spec.width, T: spec.T, classes: spec.classes, seed: spec.seed });
  try {
    return { backbone, source: weightsDir === undefined ? freshSource(spec.seed) : loadFrom(backbone, weightsDir) };
  } catch (err) {
    backbone.dispose();
    throw err;
  }
}

/** A spec from a JSON file; names the file and the field that is wrong. */
export function readTestbedSpec(file: string): TestbedModelSpec {
  const raw = readJsonArtefact<Record<string, unknown>>(
    file,
    'rewrite it, or delete its folder to recompute it with `spikesplit neucodex`',
  );
  const bad = (field: string, expected: string) =>
    new RangeError(`${file}: ${field} is ${JSON.stringify(raw[field])}; expected ${expected}`);
  for (const field of ['model', 'splitPoint']) if (typeof raw[field] !== 'string') throw bad(field, 'a string');
  if (!(typeof raw.width === 'number' && raw.width > 0)) throw bad('width', 'a number > 0');
  for (const field of ['T', 'classes', 'channels'])
    if (!(Number.isInteger(raw[field]) && (raw[field] as number) >= 1)) throw bad(field, 'an integer >= 1');
  if (!(Number.isInteger(raw.seed) && (raw.seed as number) >= 0)) throw bad('seed', 'an integer >= 0');
  if (raw.sentSteps !== undefined && !(Number.isInteger(raw.sentSteps) && (raw.sentSteps as number) >= 1))
    throw bad('sentSteps', 'an integer >= 1, or no field');
  if (raw.weightsDir !== undefined && typeof raw.weightsDir !== 'string')
    throw bad('weightsDir', 'a path, or no field');
  const spec = raw as unknown as TestbedModelSpec;
  return spec.weightsDir === undefined
    ? spec
    : { ...spec, weightsDir: path.resolve(path.dirname(file), spec.weightsDir) };
}

function freshSource(seed: number): string {
  return `fresh weights from seed ${seed} (untrained: predictions are not meaningful, timings are)`;
}

function loadFrom(model: Parameters<typeof loadWeights>[0], dir: string): string {
  const file = path.join(dir, 'weights.json');
  loadWeights(model, file);
  return `weights from ${file}`;
}
