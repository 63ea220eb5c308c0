/**
 * The split model a testbed process (serve, device, bench) runs, built the same way on both sides from plain
 * data: a backbone from the registry with a bottleneck at the split point, its weights read from
 * `<weightsDir>/weights.json` (a `saveWeights` manifest of the bottlenecked model) or, with no directory, fresh
 * from the seed. `source` says which, for the run's output; `dispose` frees the backbone and the unit.
 */
import * as path from 'path';
import { BottleneckedModel, insertBottleneck } from '../bottleneck/bottlenecked-model';
import { createModel } from '../models/registry';
import { loadWeights } from '../models/weights';

export interface TestbedModelSpec {
  readonly model: string;
  readonly width: number;
  readonly T: number;
  readonly classes: number;
  readonly splitPoint: string;
  /** Bottleneck channels c'. */
  readonly channels: number;
  /** Seeds the fresh weights (backbone and bottleneck). */
  readonly seed: number;
  /** Holds weights.json + weights.bin; omitted: fresh weights. */
  readonly weightsDir?: string;
}

export function buildTestbedModel(spec: TestbedModelSpec): { model: BottleneckedModel; source: string; dispose(): void } {
  const backbone = createModel(spec.model, { width: spec.width, T: spec.T, classes: spec.classes, seed: spec.seed });
  const model = insertBottleneck(backbone, spec.splitPoint, { channels: spec.channels }, { seed: spec.seed });
  const dispose = () => {
    model.dispose();
    backbone.dispose();
  };
  if (spec.weightsDir === undefined) {
    return { model, source: `fresh weights from seed ${spec.seed} (untrained: predictions are not meaningful, timings are)`, dispose };
  }
  const file = path.join(spec.weightsDir, 'weights.json');
  try {
    loadWeights(model, file);
  } catch (err) {
    dispose();
    throw err;
  }
  return { model, source: `weights from ${file}`, dispose };
}
