/**
 * Presets: every experiment is declared as data. `tiny` runs in seconds (tests, CI), `cpu` is the default
 * main job (a width-reduced spiking ResNet-50 with SEW IAND joins on real CIFAR-10, on 2 cores with the wasm
 * backend; the standard join does not learn at that width and budget: lib/models/residual.ts), `paper`
 * is the papers' setting (ResNet-50, CIFAR-100, T = 4, all 16 split points; hours to days, for tfjs-node).
 *
 * Each preset holds every step's section: data, model, pretraining and fine-tuning, the sweep, the selection,
 * NeuCODEX (`neucodex`), the link study (`linkErrors`) and the testbed (`testbed`). What the presets share is
 * written once (`neucodexSection`, `linkErrorSection`, `testbedSection`); each preset gives what differs.
 * Longer than 250 lines on purpose: it is the one declaration of every experiment, read side by side.
 */
import type { FrameSplit } from '../data/events/frames';
import type { ModelName } from '../models/registry';
import type { ExitConfidence } from '../neucodex/early-exit';
import type { TrainConfig } from '../train/trainer';
import type { LinkErrorConfig } from './link-errors/schema';
import type { TestbedConfig } from './testbed/config';

export const PRESET_NAMES = ['tiny', 'cpu', 'paper'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** What NeuCODEX feeds a backbone: CIFAR images (direct encoding), or emulated DVS recordings of them (event frames). */
export const NEUCODEX_INPUTS = ['static', 'events'] as const;
export type NeucodexInput = (typeof NEUCODEX_INPUTS)[number];

/**
 * The NeuCODEX experiment (`lib/experiments/neucodex/`): for each backbone x input, pretrain the
 * backbone, insert a spike bottleneck at its split point, wrap it with temporal compression to each T' (T' = T:
 * the plain split), fine-tune end to end, and measure accuracy, bits, device energy and early exit.
 */
export interface NeucodexPreset {
  /** One mid split point per backbone; the bottleneck keeps the split point's h x w and sends c' = c / channelDivisor channels. */
  backbones: { model: ModelName; splitPoint: string; channelDivisor: number }[];
  inputs: NeucodexInput[];
  width: number;
  T: number;
  /** Steps sent T', each dividing T; T' = T is the plain split (no temporal compression). */
  sentSteps: number[];
  /** The images (as the preset's `data`; drawn with `pretrain.seed`); the events are emulated recordings of the same images. */
  data: Preset['data'];
  /** Emulated DVS recordings: the emulator's seed and how events are split into T binary frames. */
  events: { seed: number; splitBy: FrameSplit };
  pretrain: TrainConfig;
  finetune: TrainConfig;
  earlyExit: { confidence: ExitConfidence; thresholds: number[] };
  /** Hardware profile of the device energy (`lib/energy/profiles.ts`). */
  hardware: string;
}

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
    /** Images per class of the test subset evaluated after every epoch (the training curves); null for all of it. */
    monitorPerClass: number | null;
  };
  /** The backbone; `stemStride` 2 halves every stage's h and w (default 1, the papers' CIFAR stem). */
  model: { name: ModelName; width: number; T: number; stemStride?: 1 | 2 };
  /** Step 1: the backbone alone. */
  pretrain: TrainConfig;
  /** Step 2: after inserting a bottleneck, the whole model end to end. */
  finetune: TrainConfig;
  /** Time steps at which the pretrained backbone is evaluated (the analogue of the paper's Table 2). */
  evalT: number[];
  /**
   * `sentSteps` (optional): the T' axis, steps sent with learned temporal compression (each dividing T; T' = T
   * the plain split). Without it every row sends all T steps, as before.
   */
  sweep: { splitPoints: string[]; compressions: Compression[]; T: number[]; sentSteps?: number[] };
  /** Largest accuracy drop (fraction) a chosen configuration may have; relaxed where none qualifies. */
  selection: { threshold: number; relaxedThreshold: number };
  /** Sweep rows run at once, each in its own process (the wasm backend uses one core). */
  jobs: number;
  neucodex: NeucodexPreset;
  /** Step 3, the link study (`lib/experiments/link-errors/`). */
  linkErrors: LinkErrorConfig;
  /** The edge-to-cloud testbed (`lib/experiments/testbed/`). */
  testbed: TestbedConfig;
}

const SGD = { kind: 'sgd', momentum: 0.9, weightDecay: 5e-4 } as const;
const ADAM = { kind: 'adam', weightDecay: 0 } as const;
const EXIT_THRESHOLDS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1];

/** A training step's configuration; every preset seeds with 1 and augments. */
function training(
  epochs: number,
  batchSize: number,
  optimizer: TrainConfig['optimizer'],
  schedule: TrainConfig['schedule'],
): TrainConfig {
  return { epochs, batchSize, optimizer, schedule, seed: 1, augment: true };
}

/** The NeuCODEX section: what every preset shares (backbones, inputs, events, early exit, hardware) and what it gives. */
function neucodexSection(
  own: Pick<NeucodexPreset, 'width' | 'T' | 'sentSteps' | 'data' | 'pretrain' | 'finetune'>,
): NeucodexPreset {
  return {
    backbones: [
      { model: 'resnet18', splitPoint: 'RB4', channelDivisor: 4 },
      { model: 'vgg16', splitPoint: 'P3', channelDivisor: 4 },
    ],
    inputs: ['static', 'events'],
    width: own.width,
    T: own.T,
    sentSteps: own.sentSteps,
    data: own.data,
    events: { seed: 1, splitBy: 'number' },
    pretrain: own.pretrain,
    finetune: own.finetune,
    earlyExit: { confidence: 'max-softmax', thresholds: EXIT_THRESHOLDS },
    hardware: '45nm',
  };
}

/** The link study's section: the same rates everywhere; the preset gives the images and the batch. */
function linkErrorSection(testImages: number | null, batchSize: number): LinkErrorConfig {
  return {
    bitErrorRates: [0, 1e-5, 1e-4, 1e-3, 1e-2, 3e-2, 1e-1],
    frameLossRates: [0, 0.05, 0.1, 0.2, 0.4],
    testImages,
    batchSize,
    seed: 7,
  };
}

/** The testbed's section, on the images NeuCODEX trained its models on; the preset gives the request counts. */
function testbedSection(neucodex: NeucodexPreset, requests: number, calibrationImages: number): TestbedConfig {
  return {
    data: { dataset: neucodex.data.dataset, source: neucodex.data.source },
    requests,
    bandwidthsMbps: [1, 10, 100],
    latencyMs: 5,
    slowdown: 4,
    confidence: 'max-softmax',
    thresholds: [0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1],
    maxAccuracyDrop: 0.01,
    calibrationImages,
    seed: 1,
  };
}

const TINY_DATA: Preset['data'] = {
  dataset: 'cifar10',
  source: 'sample',
  trainPerClass: 10,
  testPerClass: 5,
  finetunePerClass: null,
  monitorPerClass: null,
};
const TINY_TRAINING = training(1, 25, ADAM, { kind: 'constant', lr: 1e-3 });
const TINY_NEUCODEX = neucodexSection({
  width: 1 / 16,
  T: 2,
  sentSteps: [2, 1],
  data: { ...TINY_DATA },
  pretrain: { ...TINY_TRAINING },
  finetune: { ...TINY_TRAINING },
});

const CPU_NEUCODEX = neucodexSection({
  width: 1 / 8,
  T: 4,
  sentSteps: [4, 2, 1],
  data: {
    dataset: 'cifar10',
    source: 'auto',
    trainPerClass: 250,
    testPerClass: 100,
    finetunePerClass: 80,
    monitorPerClass: null,
  },
  pretrain: training(3, 32, ADAM, { kind: 'cosine', lr: 2e-3, epochs: 3 }),
  finetune: training(1, 32, ADAM, { kind: 'cosine', lr: 1e-3, epochs: 1 }),
});

const PAPER_DATA: Preset['data'] = {
  dataset: 'cifar100',
  source: 'auto',
  trainPerClass: null,
  testPerClass: null,
  finetunePerClass: null,
  monitorPerClass: null,
};
const PAPER_PRETRAIN = training(200, 64, SGD, { kind: 'cosine', lr: 0.1, epochs: 200 });
const PAPER_FINETUNE = training(30, 64, SGD, { kind: 'cosine', lr: 0.01, epochs: 30 });
const PAPER_NEUCODEX = neucodexSection({
  width: 1,
  T: 4,
  sentSteps: [4, 2, 1],
  data: { ...PAPER_DATA, dataset: 'cifar10' },
  pretrain: { ...PAPER_PRETRAIN },
  finetune: { ...PAPER_FINETUNE },
});

/** Compressions of the sweep: c / 4 at full size, c / 16 at half size (64x), and c / 64 at half size (256x). */
const TWO_COMPRESSIONS: Compression[] = [
  { channelDivisor: 4, spatialDivisor: 1 },
  { channelDivisor: 16, spatialDivisor: 2 },
];
const THREE_COMPRESSIONS: Compression[] = [...TWO_COMPRESSIONS, { channelDivisor: 64, spatialDivisor: 2 }];
const SELECTION = { threshold: 0.03, relaxedThreshold: 0.04 };

export const PRESETS: Record<PresetName, Preset> = {
  tiny: {
    name: 'tiny',
    description:
      "seconds: the embedded CIFAR-10 sample, a 1/16-width spiking ResNet-50 (SEW IAND joins, as cpu's), two split points",
    data: TINY_DATA,
    model: { name: 'sew-resnet50', width: 1 / 16, T: 2 },
    pretrain: TINY_TRAINING,
    finetune: { ...TINY_TRAINING },
    evalT: [2],
    sweep: { splitPoints: ['RB3', 'RB16'], compressions: TWO_COMPRESSIONS, T: [2] },
    selection: SELECTION,
    jobs: 1,
    neucodex: TINY_NEUCODEX,
    linkErrors: linkErrorSection(null, 25),
    testbed: testbedSection(TINY_NEUCODEX, 20, 100),
  },
  cpu: {
    name: 'cpu',
    description:
      'about an hour on 2 cores: all of real CIFAR-10, a 1/8-width spiking ResNet-50 (SEW IAND joins, stem stride 2), T = 2',
    data: {
      dataset: 'cifar10',
      source: 'auto',
      trainPerClass: null,
      testPerClass: null,
      finetunePerClass: 250,
      monitorPerClass: 100,
    },
    model: { name: 'sew-resnet50', width: 1 / 8, T: 2, stemStride: 2 },
    pretrain: training(3, 32, ADAM, { kind: 'cosine', lr: 2e-3, epochs: 3, warmupEpochs: 0.1 }),
    finetune: training(4, 32, ADAM, { kind: 'cosine', lr: 2e-3, epochs: 4 }),
    evalT: [2, 4],
    sweep: { splitPoints: ['RB3', 'RB7', 'RB13', 'RB16'], compressions: THREE_COMPRESSIONS, T: [2] },
    selection: SELECTION,
    jobs: 2,
    neucodex: CPU_NEUCODEX,
    // Per split point of the sweep, 17 server passes of 300 images (the rate-0 points are one): minutes.
    linkErrors: linkErrorSection(300, 50),
    testbed: testbedSection(CPU_NEUCODEX, 100, 500),
  },
  paper: {
    name: 'paper',
    description:
      "the papers' setting: ResNet-50 on CIFAR-100, T = 4, all 16 split points (hours to days; for tfjs-node)",
    data: PAPER_DATA,
    model: { name: 'resnet50', width: 1, T: 4 },
    pretrain: PAPER_PRETRAIN,
    finetune: PAPER_FINETUNE,
    evalT: [2, 4],
    sweep: {
      splitPoints: Array.from({ length: 16 }, (_, i) => `RB${i + 1}`),
      compressions: [4, 8, 16, 32]
        .map((channelDivisor) => ({ channelDivisor, spatialDivisor: 1 }))
        .concat([{ channelDivisor: 64, spatialDivisor: 2 }]),
      T: [2, 4],
    },
    selection: SELECTION,
    jobs: 1,
    neucodex: PAPER_NEUCODEX,
    linkErrors: linkErrorSection(null, 100),
    testbed: testbedSection(PAPER_NEUCODEX, 200, 2000),
  },
};

/** The preset named `name`, else `fallback` (the CLI and the notebooks pass `SPIKESPLIT_PRESET` as `name`). */
export function getPreset(name: string | undefined, fallback: PresetName = 'cpu'): Preset {
  const chosen = name ?? fallback;
  if (!(PRESET_NAMES as readonly string[]).includes(chosen)) {
    throw new RangeError(`unknown preset '${chosen}'; expected one of ${PRESET_NAMES.join(', ')}`);
  }
  return PRESETS[chosen as PresetName];
}
