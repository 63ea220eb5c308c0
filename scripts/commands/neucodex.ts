import { collectNeucodex, percentWithInterval, pValue, runNeucodex, type NeucodexResults } from 'spikesplit';
import { experimentCommand } from './experiment';
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
  printColumns(
    [
      'row',
      "T->T'",
      'bits sent',
      'vs raw',
      'vs feature',
      'edge-only % [95% CI]',
      'split % [95% CI]',
      'drop, points [95% CI]',
      'McNemar p',
      'device energy',
    ],
    rows,
  );
  if (results.missing.length > 0) console.log(`not run yet: ${results.missing.join(', ')}`);
}

export const neucodex = experimentCommand({
  name: 'neucodex',
  summary:
    'NeuCODEX: ResNet-18 and VGG-16 on static and event inputs, split with learned temporal compression ' +
    "to each T' of the preset, with early exit; reruns skip finished rows.",
  queue: { experiment: 'neucodex', collect: collectNeucodex },
  run: runNeucodex,
  print: printTable,
});
