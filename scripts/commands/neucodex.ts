import { collectNeucodex, initBackend, percentWithInterval, pValue, runNeucodex, type NeucodexResults } from 'spikesplit';
import { experimentOptions, presetOption, type Command } from './command';
import { queueOptions, runQueued } from './queue';
import { printColumns } from './text-table';

const pct = (f: number) => `${(100 * f).toFixed(1)}%`;

function printTable(results: NeucodexResults): void {
  const rows = results.rows.map((r) => [
    r.id,
    `${r.T}->${r.sentSteps}`,
    String(r.bits.sent),
    `${r.bits.reductionVsRawInput.toFixed(0)}x`,
    `${r.bits.reductionVsFeature.toFixed(0)}x`,
    percentWithInterval(r.edgeOnlyAccuracy, results.backbones.find((b) => b.group === r.group)!.accuracyEstimate), // collectNeucodex has every row's backbone
    percentWithInterval(r.accuracy, r.accuracyEstimate),
    percentWithInterval(r.pairedDrop.drop, r.pairedDrop),
    pValue(r.pairedDrop.mcnemarP),
    `${pct(1 - r.energy.reduction)} of edge-only`,
  ]);
  printColumns(['row', "T->T'", 'bits sent', 'vs raw', 'vs feature', 'edge-only % [95% CI]', 'split % [95% CI]', 'drop, points [95% CI]', 'McNemar p', 'device energy'], rows);
  if (results.missing.length > 0) console.log(`not run yet: ${results.missing.join(', ')}`);
}

export const neucodex: Command = {
  name: 'neucodex',
  summary: "NeuCODEX: ResNet-18 and VGG-16 on static and event inputs, split with learned temporal compression to each T' of the preset, with early exit; reruns skip finished rows.",
  options: { ...experimentOptions.options, ...queueOptions.options },
  help: { ...experimentOptions.help, ...queueOptions.help },
  async run(values) {
    const preset = presetOption(values);
    const print = (results: NeucodexResults) => {
      if (values.json) console.log(JSON.stringify(results, null, 2));
      else printTable(results);
    };
    if (await runQueued(values, 'neucodex', preset, () => print(collectNeucodex(preset)))) return;
    await initBackend();
    print(await runNeucodex(preset));
  },
};
