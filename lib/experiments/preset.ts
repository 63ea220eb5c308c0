/**
 * Presets: every experiment is declared as data. `tiny` runs in seconds (tests, CI), `cpu` is the default
 * main job (a width-reduced spiking ResNet-50 on real CIFAR-10, on 2 cores with the wasm backend), `paper`
 * is the papers' setting (ResNet-50, CIFAR-100, T = 4, all 16 split points; hours to days, for tfjs-node).
 */
import type { ModelName } from '../models/registry';
import type { TrainConfig } from '../train/trainer';

export const PRESET_NAMES = ['tiny', 'cpu', 'paper'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** A compression level: c' = c / channelDivisor, h' = h / spatialDivisor (and w likewise). */
export interface Compression {
  channelDivisor: number;
  spatialDivisor: number;
}

export interface Preset {
  name: PresetName;
  description: string;
  data: {
    dataset: 'cifar10' | 'cifar100';
    /** 'auto': the best CIFAR-10 at hand (official binaries, the shared JPEG archive, else the embedded sample). */
    source: 'auto' | 'sample';
    /** Images per class drawn (seeded, stratified); null for all. */
    trainPerClass: number | null;
    testPerClass: number | null;
    /** Images per class of the training subset that each sweep row fine-tunes on; null for all of it. */
    finetunePerClass: number | null;
  };
  model: { name: ModelName; width: number; T: number };
  /** Step 1: the backbone alone. */
  pretrain: TrainConfig;
  /** Step 2: after inserting a bottleneck, the whole model end to end. */
  finetune: TrainConfig;
  /** Time steps at which the pretrained backbone is evaluated (the analogue of the paper's Table 2). */
  evalT: number[];
  sweep: { splitPoints: string[]; compressions: Compression[]; T: number[] };
  /** Largest accuracy drop (fraction) a chosen configuration may have; relaxed where none qualifies. */
  selection: { threshold: number; relaxedThreshold: number };
  /** Sweep rows run at once, each in its own process (the wasm backend uses one core). */
  jobs: number;
}

const SGD = { kind: 'sgd', momentum: 0.9, weightDecay: 5e-4 } as const;
const ADAM = { kind: 'adam', weightDecay: 0 } as const;

export const PRESETS: Record<PresetName, Preset> = {
  tiny: {
    name: 'tiny',
    description: 'seconds: the embedded CIFAR-10 sample, a 1/16-width spiking ResNet-50, two split points',
    data: { dataset: 'cifar10', source: 'sample', trainPerClass: 10, testPerClass: 5, finetunePerClass: null },
    model: { name: 'resnet50', width: 1 / 16, T: 2 },
    pretrain: { epochs: 1, batchSize: 25, optimizer: ADAM, schedule: { kind: 'constant', lr: 1e-3 }, seed: 1, augment: true },
    finetune: { epochs: 1, batchSize: 25, optimizer: ADAM, schedule: { kind: 'constant', lr: 1e-3 }, seed: 1, augment: true },
    evalT: [2],
    sweep: { splitPoints: ['RB3', 'RB16'], compressions: [{ channelDivisor: 4, spatialDivisor: 1 }, { channelDivisor: 16, spatialDivisor: 2 }], T: [2] },
    selection: { threshold: 0.03, relaxedThreshold: 0.04 },
    jobs: 1,
  },
  cpu: {
    name: 'cpu',
    description: 'under an hour on 2 cores: real CIFAR-10 (a stratified subset), a 1/4-width spiking ResNet-18, T = 2',
    data: { dataset: 'cifar10', source: 'auto', trainPerClass: 400, testPerClass: 100, finetunePerClass: 100 },
    model: { name: 'resnet18', width: 1 / 4, T: 2 },
    pretrain: { epochs: 3, batchSize: 32, optimizer: ADAM, schedule: { kind: 'cosine', lr: 2e-3, epochs: 3 }, seed: 1, augment: true },
    finetune: { epochs: 1, batchSize: 32, optimizer: ADAM, schedule: { kind: 'cosine', lr: 5e-4, epochs: 1 }, seed: 1, augment: true },
    evalT: [2, 4],
    sweep: {
      splitPoints: ['RB2', 'RB4', 'RB6', 'RB8'],
      compressions: [{ channelDivisor: 4, spatialDivisor: 1 }, { channelDivisor: 16, spatialDivisor: 2 }],
      T: [2],
    },
    selection: { threshold: 0.03, relaxedThreshold: 0.04 },
    jobs: 2,
  },
  paper: {
    name: 'paper',
    description: "the papers' setting: ResNet-50 on CIFAR-100, T = 4, all 16 split points (hours to days; for tfjs-node)",
    data: { dataset: 'cifar100', source: 'auto', trainPerClass: null, testPerClass: null, finetunePerClass: null },
    model: { name: 'resnet50', width: 1, T: 4 },
    pretrain: { epochs: 200, batchSize: 64, optimizer: SGD, schedule: { kind: 'cosine', lr: 0.1, epochs: 200 }, seed: 1, augment: true },
    finetune: { epochs: 30, batchSize: 64, optimizer: SGD, schedule: { kind: 'cosine', lr: 0.01, epochs: 30 }, seed: 1, augment: true },
    evalT: [2, 4],
    sweep: {
      splitPoints: Array.from({ length: 16 }, (_, i) => `RB${i + 1}`),
      compressions: [4, 8, 16, 32].map((channelDivisor) => ({ channelDivisor, spatialDivisor: 1 })).concat([{ channelDivisor: 64, spatialDivisor: 2 }]),
      T: [2, 4],
    },
    selection: { threshold: 0.03, relaxedThreshold: 0.04 },
    jobs: 1,
  },
};

/** The preset named `name` (default: `SPIKESPLIT_PRESET`, else `fallback`). */
export function getPreset(name: string | undefined = process.env.SPIKESPLIT_PRESET, fallback: PresetName = 'cpu'): Preset {
  const chosen = name ?? fallback;
  if (!(PRESET_NAMES as readonly string[]).includes(chosen)) {
    throw new RangeError(`unknown preset '${chosen}'; expected one of ${PRESET_NAMES.join(', ')}`);
  }
  return PRESETS[chosen as PresetName];
}
