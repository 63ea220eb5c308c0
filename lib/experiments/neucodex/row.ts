/**
 * Step 2 of a NeuCODEX configuration: load the group's pretrained backbone, insert a spike bottleneck at the
 * split point (c' = c / channelDivisor, same h x w), wrap it with learned temporal compression to T' steps
 * (T' = T: the plain split), fine-tune end to end (resumable), and evaluate it in one pass over the test set:
 * accuracy, firing rates, per-step logits for the early-exit sweep; then bits and device energy.
 *
 * Bits per image: sent T' h' w' c' (`transmissionBits` at T'); the uncompressed split-point feature T h w c
 * spikes (1 bit each); the raw input (`sources.ts`). Device energy: `deviceEnergy` over everything the device
 * runs (head, bottleneck encoder, temporal encoder), with the firing rates measured on the test set.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { transmissionBits, type TransmissionBits } from '../../bottleneck/bits';
import { BottleneckedModel, insertBottleneck } from '../../bottleneck/bottlenecked-model';
import { deviceEnergy, splitDeviceLayers, type DeviceEnergy } from '../../energy/device-energy';
import { loadWeights, saveWeights } from '../../models/weights';
import { TemporallyCompressedModel } from '../../neucodex/compressed-model';
import { earlyExitSweep } from '../../neucodex/exit-sweep';
import type { SplitBackbone } from '../../models/backbone';
import { FiringRateMonitor } from '../../snn/monitor';
import { countCorrect, encodeCorrectness } from '../../stats/correctness';
import { correctMask } from '../../train/evaluate';
import { train, type TrainOptions } from '../../train/trainer';
import { readJsonArtefactIfPresent } from '../../util/artefact';
import { writeJsonAtomic } from '../../util/atomic';
import type { PresetData } from '../data';
import type { NeucodexPreset, Preset } from '../preset';
import { provenance } from '../provenance';
import { stepLogits } from '../step-logits';
import { freshBackbone } from './backbone';
import { neucodexBackboneDir, neucodexConfigDir } from './configs';
import type { NeucodexBackbone, NeucodexConfig, NeucodexModelSpec, NeucodexRow } from './schema';
import { inputOptions, type NeucodexSources } from './sources';

/** A configuration's model: the backbone with a bottleneck, inside temporal compression when T' < T. */
interface SplitModel {
  net: SplitBackbone;
  split: BottleneckedModel;
  compressed: TemporallyCompressedModel | null;
  model: BottleneckedModel | TemporallyCompressedModel;
}

/** Built as buildTestbedModel builds it (backbone, bottleneck and temporal halves from one seed), then the pretrained backbone's weights. */
function buildSplitModel(preset: Preset, c: NeucodexConfig, data: PresetData): SplitModel {
  const seed = preset.neucodex.finetune.seed;
  const net = freshBackbone(preset.neucodex, c, data, seed);
  loadWeights(net, path.join(neucodexBackboneDir(preset.name, c.group), 'weights.json'));
  const split = insertBottleneck(net, c.splitPoint, { channels: c.channels }, { seed });
  const compressed = c.sentSteps < c.T ? new TemporallyCompressedModel(split, { sentSteps: c.sentSteps }) : null;
  return { net, split, compressed, model: compressed ?? split };
}

/** What a configuration sends per image, against the uncompressed feature and the raw input. */
function rowBits(nx: NeucodexPreset, c: NeucodexConfig, sources: NeucodexSources) {
  const at = (T: number): TransmissionBits =>
    transmissionBits({ model: c.model, splitPoint: c.splitPoint, channels: c.channels, width: nx.width, T });
  const sent = at(c.sentSteps);
  const feature = at(c.T).uncompressedBits;
  const raw = sources.rawInput();
  const bits: NeucodexRow['bits'] = {
    sent: sent.bits,
    uncompressedFeature: feature,
    rawInput: raw.bits,
    rawInputIs: raw.is,
    eventStream: raw.eventStream,
    reductionVsRawInput: raw.bits / sent.bits,
    reductionVsFeature: feature / sent.bits,
  };
  return { sent, bits };
}

function rowEnergy(nx: NeucodexPreset, energy: DeviceEnergy, backbone: NeucodexBackbone): NeucodexRow['energy'] {
  const spikingPJ = energy.totalPJ - energy.realInputPJ;
  const edgeOnlySpikingPJ = backbone.edgeOnlyEnergyPJ - backbone.edgeOnlyRealInputPJ;
  return {
    hardware: nx.hardware,
    devicePJ: energy.totalPJ,
    partsPJ: { ...energy.partsPJ },
    edgeOnlyPJ: backbone.edgeOnlyEnergyPJ,
    reduction: 1 - energy.totalPJ / backbone.edgeOnlyEnergyPJ,
    realInputPJ: energy.realInputPJ,
    edgeOnlyRealInputPJ: backbone.edgeOnlyRealInputPJ,
    spikingReduction: 1 - spikingPJ / edgeOnlySpikingPJ,
  };
}

/** The spec a testbed process rebuilds the model from (`buildTestbedModel`), written beside its weights. */
function writeSpec(dir: string, nx: NeucodexPreset, c: NeucodexConfig, data: PresetData, compressed: boolean): void {
  const spec: NeucodexModelSpec = {
    model: c.model,
    width: nx.width,
    T: c.T,
    classes: data.classes,
    splitPoint: c.splitPoint,
    channels: c.channels,
    seed: nx.finetune.seed,
    weightsDir: path.resolve(dir),
    ...(compressed ? { sentSteps: c.sentSteps } : {}),
    input: c.input,
    inputShape: inputOptions(c.input, data).inputShape,
  };
  writeJsonAtomic(path.join(dir, 'spec.json'), spec);
}

/** The fine-tuned model on the test set: per-image correctness, firing rates, device energy, early-exit rows. */
function measureSplit(nx: NeucodexPreset, c: NeucodexConfig, m: SplitModel, sources: NeucodexSources) {
  const monitor = new FiringRateMonitor();
  const logits = stepLogits(m.model, sources.test, nx.finetune.batchSize, monitor);
  try {
    const correct = tf.tidy(() => correctMask(tf.mean(logits.steps, 0), logits.labels));
    const firingRates = Object.fromEntries(monitor.read().map((r) => [r.name, r.rate]));
    const layers = m.compressed ? m.compressed.deviceLayers() : splitDeviceLayers(m.split);
    const energy = deviceEnergy(layers, { hardware: nx.hardware, firingRates });
    const { sent, bits } = rowBits(nx, c, sources);
    const exitEvery = c.T / c.sentSteps;
    const exits = earlyExitSweep(logits.steps, logits.labels, {
      thresholds: nx.earlyExit.thresholds,
      confidence: nx.earlyExit.confidence,
      exitEvery,
      bitsPerStep: sent.bits / c.T,
      deviceEnergyPerStepPJ: energy.totalPJ / c.T,
      seed: nx.finetune.seed,
    });
    const earlyExit = { confidence: nx.earlyExit.confidence, exitEvery, rows: exits };
    return { correct, firingRates, energy, sent, bits, earlyExit };
  } finally {
    tf.dispose([logits.steps, logits.labels]);
    monitor.clear();
  }
}

/** Fine-tunes and measures one configuration (or returns its finished row). */
export async function runConfig(
  preset: Preset,
  c: NeucodexConfig,
  data: PresetData,
  sources: NeucodexSources,
  backbone: NeucodexBackbone,
  options: TrainOptions,
): Promise<NeucodexRow> {
  const nx = preset.neucodex;
  const dir = neucodexConfigDir(preset.name, c);
  const done = readJsonArtefactIfPresent<NeucodexRow>(path.join(dir, 'row.json'));
  if (done) return done;
  const t0 = Date.now();
  const m = buildSplitModel(preset, c, data);
  try {
    const { history } = await train(m.model, sources.finetune, sources.test, nx.finetune, { ...options, runDir: dir });
    const measured = measureSplit(nx, c, m, sources);
    const accuracy = countCorrect(measured.correct) / sources.test.count;
    saveWeights(m.model, path.join(dir, 'weights.json'));
    writeSpec(dir, nx, c, data, m.compressed !== null);
    const row: NeucodexRow = {
      ...provenance(preset.name, nx.finetune.seed),
      ...c,
      width: nx.width,
      data: sources.description,
      splitShape: measured.sent.splitShape,
      sentShape: measured.sent.sentShape,
      edgeOnlyAccuracy: backbone.accuracy,
      accuracy,
      drop: backbone.accuracy - accuracy,
      correct: encodeCorrectness(measured.correct),
      bits: measured.bits,
      energy: rowEnergy(nx, measured.energy, backbone),
      earlyExit: measured.earlyExit,
      firingRates: measured.firingRates,
      history,
      weightsDir: path.resolve(dir),
      wallSeconds: (Date.now() - t0) / 1000,
    };
    writeJsonAtomic(path.join(dir, 'row.json'), row);
    return row;
  } finally {
    m.compressed?.dispose();
    m.split.dispose();
    m.net.dispose();
  }
}
