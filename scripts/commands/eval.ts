import { accuracyEstimate, evaluate, initBackend, loadBackbone, percentWithInterval, presetData } from 'spikesplit';
import { experimentOptions, numberOption, presetOption, type Command } from './command';

export const evalCommand: Command = {
  name: 'eval',
  summary: "Evaluate the preset's trained backbone on its test set at the given time steps.",
  options: { ...experimentOptions.options, T: { type: 'string' } },
  help: { ...experimentOptions.help, T: 'time steps, e.g. 2 (default: the preset\'s evalT)' },
  async run(values) {
    const preset = presetOption(values);
    const steps = values.T === undefined ? preset.evalT : [numberOption(values, 'T', 0, { min: 1, max: 64, integer: true })];
    await initBackend();
    const data = await presetData(preset);
    const rows = steps.map((T) => {
      const model = loadBackbone(preset, data.classes, T);
      try {
        const { loss, correct } = evaluate(model, data.test, preset.pretrain.batchSize);
        return { T, loss, ...accuracyEstimate(correct) };
      } finally {
        model.dispose();
      }
    });
    if (values.json) console.log(JSON.stringify({ preset: preset.name, data: data.description, rows }, null, 2));
    else for (const r of rows) console.log(`T=${r.T}: accuracy ${percentWithInterval(r.accuracy, r)}% (95% Wilson interval), loss ${r.loss.toFixed(4)} on ${r.count} images`);
  },
};
