import { accuracyEstimate, decodeCorrectness, initBackend, percentWithInterval, pretrainBackbone } from 'spikesplit';
import { experimentOptions, presetOption, type Command } from './command';

export const train: Command = {
  name: 'train',
  summary: "Step 1: train the preset's spiking backbone (resumes from its last checkpoint; skips a finished one).",
  ...experimentOptions,
  async run(values) {
    const preset = presetOption(values);
    await initBackend();
    const summary = await pretrainBackbone(preset);
    if (values.json) console.log(JSON.stringify(summary, null, 2));
    else {
      for (const T of Object.keys(summary.accuracyByT)) {
        const a = accuracyEstimate(decodeCorrectness(summary.correctByT?.[T], `the backbone summary of preset '${preset.name}' at T=${T}`));
        console.log(`test accuracy at T=${T}: ${percentWithInterval(a.accuracy, a)}% (95% Wilson interval, ${a.count} images)`);
      }
    }
  },
};
