/** The configurations of a preset's `neucodex` section (backbone x input x T'), checked, and where each lives. */
import * as path from 'path';
import { transmissionBits } from '../../bottleneck/bits';
import { neucodexGroup, neucodexGroupDir } from '../paths';
import { NEUCODEX_INPUTS, type NeucodexPreset, type Preset } from '../preset';
import type { NeucodexConfig } from './schema';

function checkSection(nx: NeucodexPreset, where: string): void {
  for (const T of nx.sentSteps) {
    if (!Number.isInteger(T) || T < 1 || nx.T % T !== 0)
      throw new RangeError(`${where}: sentSteps must divide T = ${nx.T}, got ${T}`);
  }
  for (const input of nx.inputs) {
    if (!(NEUCODEX_INPUTS as readonly string[]).includes(input))
      throw new RangeError(`${where}: input '${input}'; expected one of ${NEUCODEX_INPUTS.join(', ')}`);
  }
}

/** Every configuration of the preset's `neucodex` section, in a fixed order; checks the section. */
export function neucodexConfigs(preset: Preset): NeucodexConfig[] {
  const nx = preset.neucodex;
  checkSection(nx, `preset '${preset.name}' neucodex`);
  return nx.backbones.flatMap(({ model, splitPoint, channelDivisor }) => {
    const [, , c] = transmissionBits({ model, splitPoint, channels: 1, width: nx.width, T: nx.T }).splitShape;
    const channels = Math.max(1, Math.round(c / channelDivisor));
    return nx.inputs.flatMap((input) =>
      nx.sentSteps.map((sentSteps) => ({
        id: `${model}-${input}-T${sentSteps}`,
        group: neucodexGroup(model, input),
        model,
        input,
        splitPoint,
        channels,
        T: nx.T,
        sentSteps,
      })),
    );
  });
}

/** The folder of a group's backbone: weights.json + .bin and summary.json. */
export const neucodexBackboneDir = (preset: string, group: string) =>
  path.join(neucodexGroupDir(preset, group), 'backbone');
/** The folder of one configuration's split model: weights, spec.json and row.json. */
export const neucodexConfigDir = (preset: string, c: NeucodexConfig) =>
  path.join(neucodexGroupDir(preset, c.group), `T${c.sentSteps}`);
