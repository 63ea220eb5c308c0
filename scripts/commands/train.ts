import { pretrainBackbone, type BackboneSummary } from 'spikesplit';
import { experimentCommand } from './experiment';

export const train = experimentCommand({
  name: 'train',
  summary: "Step 1: train the preset's spiking backbone (resumes from its last checkpoint; skips a finished one).",
  run: pretrainBackbone,
  print: (summary: BackboneSummary) => {
    for (const [T, acc] of Object.entries(summary.accuracyByT)) console.log(`test accuracy at T=${T}: ${(100 * acc).toFixed(2)}%`);
  },
});
