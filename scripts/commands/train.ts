import { initBackend, pretrainBackbone } from 'spikesplit';
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
    else for (const [T, acc] of Object.entries(summary.accuracyByT)) console.log(`test accuracy at T=${T}: ${(100 * acc).toFixed(2)}%`);
  },
};
