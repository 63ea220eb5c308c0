import { describeModel, initBackend, MODEL_NAMES } from 'spikesplit';
import { choiceOption, flagOption, numberOption, stringOption, UsageError, type Command } from './command';
import { printColumns } from './text-table';

export const model: Command = {
  name: 'model',
  positionals: `<${MODEL_NAMES.join('|')}>`,
  summary: 'Split points of a backbone with their output shapes and multiply-accumulates per image per time step.',
  options: {
    width: stringOption('channel multiplier (default 1)'),
    T: stringOption('time steps (default 4; the DNN resnet50-dnn has 1)'),
    classes: stringOption('classes (default 10)'),
    json: flagOption('print JSON'),
  },
  async run(values, positionals) {
    if (positionals.length !== 1)
      throw new UsageError(
        `spikesplit model: expected one model name (${MODEL_NAMES.join(', ')}), got ${positionals.length}`,
      );
    const name = choiceOption({ model: positionals[0] }, 'model', MODEL_NAMES);
    const options = {
      width: numberOption(values, 'width', 1, { min: 1 / 64, max: 4 }),
      T: numberOption(values, 'T', name === 'resnet50-dnn' ? 1 : 4, { min: 1, max: 64, integer: true }),
      classes: numberOption(values, 'classes', 10, { min: 2, max: 10000, integer: true }),
    };
    await initBackend(undefined, () => undefined);
    const d = describeModel(name, options);
    if (values.json) {
      console.log(JSON.stringify(d, null, 2));
      return;
    }
    console.log(`${d.model} (width ${d.width}, T ${d.T}, ${d.classes} classes): MACs per image per time step`);
    printColumns(
      ['split', 'shape [h,w,c]', 'MACs', 'cumulative'],
      d.splitPoints.map((p) => [
        p.name,
        `[${p.shape.join(',')}]`,
        p.macs.toExponential(3),
        p.cumulativeMacs.toExponential(3),
      ]),
    );
    console.log(`total (with the classifier): ${d.totalMacs.toExponential(3)}`);
  },
};
