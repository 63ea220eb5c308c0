/**
 * The testbed's early-exit threshold: the exit sweep of the compressed model on `calibrationImages` training
 * images, and NeuCODEX's rule over it (`chooseExitThreshold`: the smallest threshold within `maxAccuracyDrop`
 * of no early exit), each candidate with its accuracy's Wilson interval.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TemporallyCompressedModel } from '../../neucodex/compressed-model';
import { chooseExitThreshold, earlyExitSweep, type ExitSweepRow } from '../../neucodex/exit-sweep';
import { wilsonInterval } from '../../stats/wilson';
import { imageSource } from '../../train/source';
import type { ImageDataset, Normalization } from '../../data';
import { stepLogits } from '../step-logits';
import type { TestbedConfig } from './config';
import type { ThresholdChoice } from './schema';

/** Calibration images per forward pass. */
const BATCH = 50;

export function chooseThreshold(
  model: TemporallyCompressedModel,
  images: ImageDataset,
  normalization: Normalization,
  config: TestbedConfig,
): { threshold: number; candidates: ThresholdChoice[] } {
  const logits = stepLogits(model, imageSource(images, normalization), BATCH);
  let sweep: ExitSweepRow[];
  try {
    sweep = earlyExitSweep(logits.steps, images.labels, {
      thresholds: [...config.thresholds].sort((a, b) => a - b),
      confidence: config.confidence,
      exitEvery: model.T / model.sentSteps,
      bitsPerStep: 0, // the testbed reads only accuracy and steps
      deviceEnergyPerStepPJ: 0,
      seed: config.seed,
    });
  } finally {
    tf.dispose([logits.steps, logits.labels]);
  }
  const candidates = sweep.map(({ threshold, accuracy, meanSteps }): ThresholdChoice => {
    const correct = Math.round(accuracy * images.count);
    return {
      threshold,
      accuracy,
      accuracyEstimate: { accuracy, ...wilsonInterval(correct, images.count), count: images.count },
      meanSteps,
    };
  });
  return { threshold: chooseExitThreshold(candidates, config.maxAccuracyDrop).threshold, candidates };
}
