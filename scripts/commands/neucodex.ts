import { initBackend, runNeucodex, type NeucodexResults } from 'spikesplit';
import { experimentOptions, presetOption, type Command } from './command';

const pct = (f: number) => `${(100 * f).toFixed(1)}%`;

function printTable(results: NeucodexResults): void {
  console.log("row                       T->T'  bits sent  vs raw  vs feature  edge-only  split   drop   device energy");
  for (const r of results.rows) {
    console.log(
      `${r.id.padEnd(24)}  ${`${r.T}->${r.sentSteps}`.padEnd(5)}  ${String(r.bits.sent).padStart(9)}  ${`${r.bits.reductionVsRawInput.toFixed(0)}x`.padStart(6)}  ` +
        `${`${r.bits.reductionVsFeature.toFixed(0)}x`.padStart(10)}  ${pct(r.edgeOnlyAccuracy).padStart(9)}  ${pct(r.accuracy).padStart(6)}  ${pct(r.drop).padStart(5)}  ${pct(1 - r.energy.reduction)} of edge-only`,
    );
  }
  if (results.missing.length > 0) console.log(`not run yet: ${results.missing.join(', ')}`);
}

export const neucodex: Command = {
  name: 'neucodex',
  summary: "NeuCODEX: ResNet-18 and VGG-16 on static and event inputs, split with learned temporal compression to each T' of the preset, with early exit; reruns skip finished rows.",
  ...experimentOptions,
  async run(values) {
    const preset = presetOption(values);
    await initBackend();
    const results = await runNeucodex(preset);
    if (values.json) console.log(JSON.stringify(results, null, 2));
    else printTable(results);
  },
};
