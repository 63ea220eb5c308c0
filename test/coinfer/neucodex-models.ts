/**
 * Stand-ins for what `spikesplit neucodex` writes under `<runs>/<preset>/neucodex/resnet18-static/`: the backbone's
 * weights in `backbone/`, and per sent-step count T' a folder `T<T'>/` with `spec.json` and the weights of the
 * model `buildTestbedModel` builds from it. Fresh weights, with running statistics from a few training-mode
 * passes over random images (so the untrained networks fire); for tests and development only.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { buildTestbedBackbone, buildTestbedModel, saveWeights, type TestbedModelSpec } from 'spikesplit';

export type BaseSpec = Omit<TestbedModelSpec, 'sentSteps' | 'weightsDir'>;

export function writeNeucodexModels(runsRoot: string, preset: string, base: BaseSpec, sentSteps: number[]): string {
  const dir = path.join(runsRoot, preset, 'neucodex', 'resnet18-static');
  const x = tf.randomUniform([8, 32, 32, 3], -2, 2, 'float32', base.seed);
  const settle = (forward: (x: tf.Tensor, ctx: { training: boolean }) => tf.Tensor) => {
    for (let k = 0; k < 10; k++) forward(x, { training: true }).dispose();
  };
  try {
    const backbone = buildTestbedBackbone(base);
    settle((input, ctx) => backbone.backbone.forward(input, ctx));
    fs.mkdirSync(path.join(dir, 'backbone'), { recursive: true });
    saveWeights(backbone.backbone, path.join(dir, 'backbone', 'weights.json'));
    backbone.backbone.dispose();
    for (const steps of [base.T, ...sentSteps]) {
      const folder = path.join(dir, `T${steps}`);
      const spec: TestbedModelSpec =
        steps === base.T ? { ...base, weightsDir: '.' } : { ...base, sentSteps: steps, weightsDir: '.' };
      const built = buildTestbedModel(spec.sentSteps === undefined ? base : { ...base, sentSteps: steps });
      settle((input, ctx) => (built.compressed ?? built.model).forward(input, ctx));
      fs.mkdirSync(folder, { recursive: true });
      saveWeights(built.compressed ?? built.model, path.join(folder, 'weights.json'));
      fs.writeFileSync(path.join(folder, 'spec.json'), JSON.stringify(spec, null, 2));
      built.dispose();
    }
  } finally {
    x.dispose();
  }
  return dir;
}
