import { collectNeucodex, runNeucodex, type NeucodexResults } from 'spikesplit';
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
    pct(r.edgeOnlyAccuracy),
    pct(r.accuracy),
    pct(r.drop),
    `${pct(1 - r.energy.reduction)} of edge-only`,
  ]);
  printColumns(['row', "T->T'", 'bits sent', 'vs raw', 'vs feature', 'edge-only', 'split', 'drop', 'device energy'], rows);
  if (results.missing.length > 0) console.log(`not run yet: ${results.missing.join(', ')}`);
}

export const neucodex = experimentCommand({
  name: 'neucodex',
  summary: "NeuCODEX: ResNet-18 and VGG-16 on static and event inputs, split with learned temporal compression to each T' of the preset, with early exit; reruns skip finished rows.",
  queue: { experiment: 'neucodex', collect: collectNeucodex },
  run: runNeucodex,
  print: printTable,
});
