/**
 * Measuring one mode at one bandwidth: every test image through `infer`, batch 1, one after another, after one
 * untimed warm-up request; then the latency summary (with bootstrap intervals), mean timing, bytes, steps and
 * accuracy of the requests.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { InferenceResult, RequestTiming } from '../../coinfer/device';
import { latencyIntervals, summarizeLatencies } from '../../coinfer/latency-summary';
import { imageBatch, type ImageDataset, type Normalization } from '../../data';
import { accuracyEstimate } from '../../stats/correctness';
import type { Progress } from '../../util/progress';
import type { TestbedMode, TestbedRow } from './schema';

/** Classifies test image `i`, given as the model takes it (`x`, `[1, H, W, C]`). */
export type Infer = (i: number, x: tf.Tensor) => Promise<InferenceResult>;

/** Runs every test image through `infer` after one warm-up, ticking `progress` per request, and summarises. */
export async function measureMode(
  mode: TestbedMode,
  bandwidthMbps: number | null,
  infer: Infer,
  test: { images: ImageDataset; normalization: Normalization; progress: Progress; seed: number },
): Promise<MeasuredRow> {
  const once = async (i: number) => {
    const { images, labels } = imageBatch(test.images, [i], { normalization: test.normalization });
    try {
      return await infer(i, images);
    } finally {
      tf.dispose([images, labels]);
    }
  };
  await once(0);
  test.progress.tick();
  const results: InferenceResult[] = [];
  for (let i = 0; i < test.images.count; i++) {
    results.push(await once(i));
    test.progress.tick();
  }
  return summarise(mode, bandwidthMbps, results, test.images.labels, test.seed);
}

export type MeasuredRow = Omit<TestbedRow, 'p50SpeedupVsEdge' | 'meanSpeedupVsEdge'>;

function summarise(
  mode: TestbedMode,
  bandwidthMbps: number | null,
  results: InferenceResult[],
  labels: ArrayLike<number>,
  seed: number,
): MeasuredRow {
  const latencies = results.map((r) => r.timing.endToEndMs);
  const estimate = accuracyEstimate(Uint8Array.from(results, (r, i) => (r.predictions[0] === labels[i] ? 1 : 0)));
  const mean = (pick: (r: InferenceResult) => number) => results.reduce((s, r) => s + pick(r), 0) / results.length;
  return {
    mode,
    bandwidthMbps,
    requests: results.length,
    latency: summarizeLatencies(latencies),
    latencyIntervals: latencyIntervals(latencies, { seed }),
    meanTiming: meanRequestTiming(results),
    bytesPerRequest: mean((r) => r.bytesSent),
    messagesPerRequest: mean((r) => r.messages),
    meanSteps: mean((r) => r.steps),
    accuracy: estimate.accuracy,
    accuracyEstimate: estimate,
  };
}

/** Each part of the requests' timing, averaged over the requests. */
export function meanRequestTiming(results: readonly InferenceResult[]): RequestTiming {
  const keys = Object.keys(results[0].timing) as (keyof RequestTiming)[];
  const mean = (k: keyof RequestTiming) => results.reduce((s, r) => s + r.timing[k], 0) / results.length;
  return Object.fromEntries(keys.map((k) => [k, mean(k)])) as unknown as RequestTiming;
}
