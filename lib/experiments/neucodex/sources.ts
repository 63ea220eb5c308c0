/**
 * What NeuCODEX trains and tests on, per input: static, the preset's CIFAR images (direct encoding); events,
 * emulated DVS recordings of the same images (T binary frames of 2 polarity channels, frames encoder). Each
 * says what its raw input costs in bits, the baseline of the bits sent.
 */
import type { Shape3 } from '../../models/backbone';
import { emulatedEventSource, type EmulatedEventSource } from '../../neucodex/event-source';
import { frameEncoder, type InputEncoder } from '../../snn/encoding';
import type { LabelledSource } from '../../train/source';
import type { ProgressSink } from '../../util/progress';
import { presetData, type PresetData } from '../data';
import type { NeucodexInput, NeucodexPreset, Preset } from '../preset';
import { AEDAT2_BITS_PER_EVENT } from './schema';

/** The options that make a backbone take the input: event frames need the frames encoder and 2 channels. */
export function inputOptions(input: NeucodexInput, data: PresetData): { encoder?: InputEncoder; inputShape: Shape3 } {
  const { height, width, channels } = data.images.test;
  return input === 'events'
    ? { encoder: frameEncoder(), inputShape: [height, width, 2] }
    : { inputShape: [height, width, channels] };
}

export interface NeucodexSources {
  train: LabelledSource;
  finetune: LabelledSource;
  test: LabelledSource;
  description: string;
  /** The raw input per image in bits and what it is; the mean AEDAT 2.0 event stream (events) or null. */
  rawInput(): { bits: number; is: string; eventStream: number | null };
}

function staticSources(data: PresetData): NeucodexSources {
  const { height, width, channels } = data.images.test;
  return {
    ...data,
    rawInput: () => ({
      bits: height * width * channels * 8,
      is: `the image as uint8 pixels (${height}x${width}x${channels} x 8 bits)`,
      eventStream: null,
    }),
  };
}

/** Event sources, built once per run so every backbone shares their frame caches. */
function eventSources(nx: NeucodexPreset, data: PresetData): NeucodexSources {
  const { height, width } = data.images.test;
  const emulate = (split: 'train' | 'finetune' | 'test'): EmulatedEventSource =>
    emulatedEventSource(data.images[split], {
      T: nx.T,
      seed: nx.events.seed,
      splitBy: nx.events.splitBy,
      binary: true,
    });
  const train = emulate('train');
  // Fine-tuning on the whole training set shares its recordings (and cache).
  const finetune = data.images.finetune === data.images.train ? train : emulate('finetune');
  const test = emulate('test');
  return {
    train,
    finetune,
    test,
    description: `emulated DVS recordings (${nx.T} binary frames, split by ${nx.events.splitBy}) of ${data.description}`,
    rawInput() {
      let count = 0;
      for (let i = 0; i < test.count; i++) count += test.eventCount(i);
      return {
        bits: nx.T * height * width * 2,
        is: `the binary event frames (${nx.T}x${height}x${width}x2 bits)`,
        eventStream: (AEDAT2_BITS_PER_EVENT * count) / test.count,
      };
    },
  };
}

/** The data and sources NeuCODEX rows read, loaded once per process and preset (`progress`: as `presetData`'s). */
export interface NeucodexContext {
  data: PresetData;
  sources: Record<NeucodexInput, NeucodexSources>;
}

export async function neucodexContext(preset: Preset, progress?: ProgressSink): Promise<NeucodexContext> {
  const nx = preset.neucodex;
  const data = await presetData({ ...preset, data: nx.data, pretrain: nx.pretrain }, progress);
  return { data, sources: { static: staticSources(data), events: eventSources(nx, data) } };
}
