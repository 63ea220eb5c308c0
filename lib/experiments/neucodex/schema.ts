/**
 * What the NeuCODEX experiment writes: a backbone's summary (`backbone/summary.json`), a row per configuration
 * (`T<T'>/row.json`), the spec a testbed process rebuilds a split model from (`T<T'>/spec.json`), and the
 * gathered results (`runs/<preset>/neucodex.json`). `run.ts` says how they are made.
 */
import type { TestbedModelSpec } from '../../coinfer/testbed-model';
import type { DeviceEnergyPart } from '../../energy/device-energy';
import type { Shape3 } from '../../models/backbone';
import type { ExitSweepRow } from '../../neucodex/exit-sweep';
import type { AccuracyEstimate, Correctness } from '../../stats/correctness';
import type { RowUncertainty } from '../../stats/uncertainty';
import type { EpochRecord } from '../../train/trainer';
import type { NeucodexInput, NeucodexPreset } from '../preset';
import type { Provenance } from '../provenance';

/** Bits of one AEDAT 2.0 event record: a 32-bit address and a 32-bit timestamp. */
export const AEDAT2_BITS_PER_EVENT = 64;

/** One backbone x input x T' of the preset. */
export interface NeucodexConfig {
  /** `<model>-<input>-T<T'>`, e.g. `resnet18-static-T1`. */
  id: string;
  /** `<model>-<input>`: the folder of the backbone and its split models. */
  group: string;
  model: NeucodexPreset['backbones'][number]['model'];
  input: NeucodexInput;
  splitPoint: string;
  /** c' = c / channelDivisor. */
  channels: number;
  T: number;
  sentSteps: number;
}

export interface NeucodexBackbone extends Provenance {
  group: string;
  model: string;
  input: NeucodexInput;
  width: number;
  T: number;
  data: string;
  history: EpochRecord[];
  /** Edge-only test accuracy (fraction), and per test image correct or not. */
  accuracy: number;
  correct: Correctness;
  firingRates: Record<string, number>;
  /** The whole model on the device, pJ per image, and of it the layers reading real values (the stem on images). */
  edgeOnlyEnergyPJ: number;
  edgeOnlyRealInputPJ: number;
  trainSeconds: number;
}

export interface NeucodexRow extends Provenance, NeucodexConfig {
  width: number;
  data: string;
  /** The split point's feature per image per step `[h, w, c]` and what is sent per sent step `[h', w', c']`. */
  splitShape: Shape3;
  sentShape: Shape3;
  /** Accuracies (fractions): edge-only (the backbone), the split model, and the drop between them. */
  edgeOnlyAccuracy: number;
  accuracy: number;
  drop: number;
  /** Per test image, in the test set's order: correct or not (paired with the backbone's). */
  correct: Correctness;
  bits: {
    /** Sent per image: T' h' w' c'. */
    sent: number;
    /** The split point's feature uncompressed: T h w c spikes. */
    uncompressedFeature: number;
    /** The raw input per image, and what it is. */
    rawInput: number;
    rawInputIs: string;
    /** Events only: the mean emulated event stream per test image as AEDAT 2.0 records. */
    eventStream: number | null;
    /** rawInput / sent and uncompressedFeature / sent. */
    reductionVsRawInput: number;
    reductionVsFeature: number;
  };
  energy: {
    hardware: string;
    /** Everything the device runs at the split, pJ per image, and by part. */
    devicePJ: number;
    partsPJ: Record<DeviceEnergyPart, number>;
    /** The whole model on the device. */
    edgeOnlyPJ: number;
    /** 1 - devicePJ / edgeOnlyPJ. */
    reduction: number;
    /** Of devicePJ and edgeOnlyPJ, the layers reading real values (MACs: the stem on a direct-encoded image). */
    realInputPJ: number;
    edgeOnlyRealInputPJ: number;
    /** The reduction counting only the layers that read spikes (SpikeBottleNet leaves the image-reading stem out). */
    spikingReduction: number;
  };
  earlyExit: { confidence: string; exitEvery: number; rows: ExitSweepRow[] };
  firingRates: Record<string, number>;
  history: EpochRecord[];
  /** The folder with weights.json + weights.bin and spec.json. */
  weightsDir: string;
  wallSeconds: number;
}

/** A backbone with its edge-only accuracy's 95% Wilson interval. */
export interface NeucodexResultBackbone extends NeucodexBackbone {
  accuracyEstimate: AccuracyEstimate;
}

/** A row with its accuracy's Wilson interval and its drop from edge-only, paired on the same test images. */
export type NeucodexResultRow = NeucodexRow & RowUncertainty;

export interface NeucodexResults {
  preset: string;
  config: NeucodexPreset;
  backbones: NeucodexResultBackbone[];
  rows: NeucodexResultRow[];
  /** Configurations not run yet. */
  missing: string[];
}

/** What a testbed process needs to rebuild a split model (`buildTestbedModel`), plus NeuCODEX's additions. */
export interface NeucodexModelSpec extends TestbedModelSpec {
  /** Steps sent, when the model wraps the bottleneck with temporal compression (T' < T). */
  readonly sentSteps?: number;
  /** 'events': build the backbone with the frames encoder and `inputShape` (event frames `[T*B, H, W, 2]`). */
  readonly input: NeucodexInput;
  readonly inputShape: Shape3;
}
