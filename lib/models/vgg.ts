/**
 * Spiking VGG-16 for 32x32 inputs, as NeuCODEX's second backbone: five stages of 3x3 conv-tdBN-LIF
 * ([2, 2, 3, 3, 3] convs of [64, 128, 256, 512, 512] channels), each closed by a 2x2 max pool over spikes
 * (so a stage's output is spikes, 1 bit per neuron per step). Split points are the pooling stages `P1`..`P5`
 * (P5 is 1x1x512 per step at 32x32); the classifier is global average pooling + one linear layer.
 * The first conv, fed by the encoded image, has role 'stem'.
 */
import { directEncoder } from '../snn/encoding';
import { Module, Sequential } from '../snn/module';
import { Rng } from '../util/rng';
import { SplitBackbone, BackboneStage } from './backbone';
import { Classifier } from './classifier';
import { Conv2d } from './conv';
import { spikingKit } from './kit';
import { BackboneOptions, scaledWidth } from './options';
import { MaxPool2d } from './pool';

const STAGES: ReadonlyArray<{ convs: number; channels: number }> = [
  { convs: 2, channels: 64 },
  { convs: 2, channels: 128 },
  { convs: 3, channels: 256 },
  { convs: 3, channels: 512 },
  { convs: 3, channels: 512 },
];

export function spikingVGG16(o: BackboneOptions = {}): SplitBackbone {
  const rng = new Rng(o.seed ?? 0);
  const kit = spikingKit(o);
  const inputShape = o.inputShape ?? [32, 32, 3];
  let inChannels = inputShape[2];
  const stages: BackboneStage[] = STAGES.map(({ convs, channels }, s) => {
    const name = `P${s + 1}`;
    const out = scaledWidth(channels, o.width ?? 1);
    const layers: Module[] = [];
    for (let i = 1; i <= convs; i++) {
      const role = s === 0 && i === 1 ? 'stem' : 'block';
      layers.push(
        new Conv2d(`${name}.conv${i}`, {
          inChannels,
          outChannels: out,
          kernel: 3,
          role,
          spikes: role === 'block',
          rng,
        }),
        kit.norm(`${name}.bn${i}`, out),
        kit.activation(`${name}.lif${i}`),
      );
      inChannels = out;
    }
    layers.push(new MaxPool2d(`${name}.pool`, true));
    return { name, module: new Sequential(name, layers) };
  });
  const classifier = new Classifier('fc', inChannels, o.classes ?? 10, rng);
  return new SplitBackbone({
    name: 'vgg16',
    T: o.T ?? 4,
    spiking: true,
    inputShape,
    encoder: o.encoder ?? directEncoder(),
    stem: null,
    stages,
    classifier,
  });
}
