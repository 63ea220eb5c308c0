import { backboneAccuracy, percentWithInterval, pretrainBackbone, type BackboneSummary } from 'spikesplit';
import { experimentCommand } from './experiment';

export const train = experimentCommand({
  name: 'train',
  summary: "Step 1: train the preset's spiking backbone (resumes from its last checkpoint; skips a finished one).",
  run: pretrainBackbone,
  print: (summary: BackboneSummary) => {
    for (const [T, a] of Object.entries(backboneAccuracy(summary)))
      console.log(
        `test accuracy at T=${T}: ${percentWithInterval(a.accuracy, a)}% (95% Wilson interval, ${a.count} images)`,
      );
  },
});
