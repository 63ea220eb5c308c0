import {
  initBackend,
  MAX_BIT_WIDTH,
  MODEL_NAMES,
  modelSplitShapes,
  reducedSizes,
  transmissionBits,
  type TransmissionConfig,
} from 'spikesplit';
import { choiceOption, flagOption, numberOption, stringOption, UsageError, type Command, type Values } from './command';

/** `--size HxW` as [h', w'], one of the sizes the split point can be reduced to. */
function sizeOption(values: Values, accepted: [number, number][], where: string): [number, number] | undefined {
  const raw = values.size;
  if (raw === undefined) return undefined;
  const match = typeof raw === 'string' ? /^(\d+)x(\d+)$/.exec(raw) : null;
  const size = match ? ([Number(match[1]), Number(match[2])] as [number, number]) : null;
  if (!size || !accepted.some(([h, w]) => h === size[0] && w === size[1])) {
    throw new UsageError(
      `--size: expected one of ${accepted.map(([h, w]) => `${h}x${w}`).join(', ')} for ${where}, got '${String(raw)}'`,
    );
  }
  return size;
}

export const bits: Command = {
  name: 'bits',
  summary:
    "Bits a bottleneck sends per image at a split point, and its compression ratio (from the model's real split shapes).",
  options: {
    model: stringOption(`the backbone (${MODEL_NAMES.join(', ')})`),
    split: stringOption('the split point, e.g. RB16 (resnet50), P3 (vgg16)'),
    channels: stringOption("reduced channels c' (1 up to the split point's channels)"),
    size: stringOption("reduced spatial size h'xw', e.g. 2x2; default the split point's (channel reduction only)"),
    T: stringOption("time steps of the spikes (spiking models; default the model's, 4)"),
    'bit-width': stringOption(`bits per quantised value (resnet50-dnn; 1..${MAX_BIT_WIDTH}, default 8)`),
    json: flagOption(
      'print JSON: { bits, bytes, uncompressedBits, ratio, float32Bits, float32Ratio, splitShape, sentShape }',
    ),
  },
  async run(values) {
    const model = choiceOption(values, 'model', MODEL_NAMES);
    await initBackend('cpu', () => undefined); // the model is built only for its shapes
    const info = modelSplitShapes(model);
    const splitPoint = choiceOption(values, 'split', info.splitPoints);
    const [h, w, c] = info.shapes[splitPoint];
    const where = `${model} ${splitPoint} (${h}x${w}x${c})`;
    if (values.channels === undefined)
      throw new UsageError(`--channels: required, an integer in [1, ${c}] for ${where}`);
    const channels = numberOption(values, 'channels', c, { min: 1, max: c, integer: true });
    const size = sizeOption(values, reducedSizes([h, w, c]), where);
    let steps: Pick<TransmissionConfig, 'T' | 'bitWidth'>;
    if (info.spiking) {
      if (values['bit-width'] !== undefined)
        throw new UsageError(
          `--bit-width: applies to resnet50-dnn's quantised features; ${model} sends spikes: use --T`,
        );
      steps = { T: numberOption(values, 'T', info.T, { min: 1, integer: true }) };
    } else {
      if (values.T !== undefined)
        throw new UsageError(`--T: applies to spikes; ${model} sends quantised features: use --bit-width`);
      steps = { bitWidth: numberOption(values, 'bit-width', 8, { min: 1, max: MAX_BIT_WIDTH, integer: true }) };
    }
    const r = transmissionBits({ model, splitPoint, channels, size, ...steps });
    if (values.json) {
      console.log(JSON.stringify(r, null, 2));
      return;
    }
    const per = info.spiking ? `T = ${steps.T}` : `${steps.bitWidth}-bit codes`;
    const raw = info.spiking
      ? `${r.uncompressedBits} bits of raw spikes: ${r.ratio}x; against float32 ${r.float32Bits} bits: ${r.float32Ratio}x`
      : `${r.uncompressedBits} bits of float32: ${r.ratio}x`;
    console.log(
      `${where} -> ${r.sentShape.join('x')}, ${per}: ${r.bits} bits (${r.bytes} bytes) per image; against ${raw}`,
    );
  },
};
