import { accuracyEstimate, evaluate, loadBackbone, percentWithInterval, presetData } from 'spikesplit';
import { numberOption, stringOption } from './command';
import { experimentCommand } from './experiment';

export const evalCommand = experimentCommand({
  name: 'eval',
  summary: "Evaluate the preset's trained backbone on its test set at the given time steps.",
  options: { T: stringOption("time steps, e.g. 2 (default: the preset's evalT)") },
  args: (values, preset) =>
    values.T === undefined ? preset.evalT : [numberOption(values, 'T', 0, { min: 1, max: 64, integer: true })],
  async run(preset, steps) {
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
    return { preset: preset.name, data: data.description, rows };
  },
  print: ({ rows }) => {
    for (const r of rows)
      console.log(
        `T=${r.T}: accuracy ${percentWithInterval(r.accuracy, r)}% (95% Wilson interval), loss ${r.loss.toFixed(4)} on ${r.count} images`,
      );
  },
});
