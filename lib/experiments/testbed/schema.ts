/** What the testbed writes to `runs/<preset>/testbed.json`: a row per mode and bandwidth, the models, the exit rule. */
import * as path from 'path';
import type { RequestTiming } from '../../coinfer/device';
import type { LatencyIntervals, LatencySummary } from '../../coinfer/latency-summary';
import type { ShapingReport } from '../../coinfer/shaping';
import type { TestbedModelSpec } from '../../coinfer/testbed-model';
import type { ExitConfidence } from '../../neucodex/early-exit';
import type { AccuracyEstimate } from '../../stats/correctness';
import { readCurrentJsonArtefact } from '../../util/artefact';
import { runsDir } from '../paths';
import { readableRunFile } from '../published';
import type { Provenance } from '../provenance';
import type { TestbedConfig } from './config';

export const TESTBED_MODES = ['edge-only', 'raw-offload', 'spike-split', 'spike-split-tc-exit'] as const;
export type TestbedMode = (typeof TESTBED_MODES)[number];

export interface TestbedRow {
  mode: TestbedMode;
  /** null for edge-only (no link). */
  bandwidthMbps: number | null;
  requests: number;
  latency: LatencySummary;
  /** 95% bootstrap intervals over the requests of p50, p95 and p99. */
  latencyIntervals: LatencyIntervals;
  /** Mean per request, ms. */
  meanTiming: RequestTiming;
  /** Mean request bytes on the wire per request (headers included; replies are small JSON, not counted). */
  bytesPerRequest: number;
  /** Mean messages sent per request. */
  messagesPerRequest: number;
  /** Mean model time steps the server ran (the device's, for edge-only). */
  meanSteps: number;
  accuracy: number;
  /** The accuracy over the requests with its 95% Wilson interval. */
  accuracyEstimate: AccuracyEstimate;
  /** Edge-only p50 over this row's p50: how many times lower the latency is (1 for edge-only). */
  p50SpeedupVsEdge: number;
  meanSpeedupVsEdge: number;
}

export interface ThresholdChoice {
  threshold: number;
  /** On the calibration images, with its 95% Wilson interval over them. */
  accuracy: number;
  accuracyEstimate: AccuracyEstimate;
  meanSteps: number;
}

export interface TestbedModelInfo {
  name: string;
  /** The spec.json read, or the backbone's folder. */
  file: string;
  weights: string;
  spec: TestbedModelSpec;
}

export interface Testbed extends Provenance {
  config: TestbedConfig;
  shaping: ShapingReport;
  /** Each bandwidth's link, as described by the run. */
  links: Record<string, string>;
  slowdownApplied: string;
  models: { backbone: TestbedModelInfo; split: TestbedModelInfo; compressed: TestbedModelInfo };
  earlyExit: {
    confidence: ExitConfidence;
    exitEvery: number;
    threshold: number;
    candidates: ThresholdChoice[];
    rule: string;
    canExitEarly: boolean;
  };
  data: string;
  rows: TestbedRow[];
  wallSeconds: number;
}

export const testbedFile = (preset: string) => path.join(runsDir(preset), 'testbed.json');

/** The testbed result of a preset as last written, or null. */
export function readTestbed(preset: string): Testbed | null {
  return readCurrentJsonArtefact<Testbed>(
    readableRunFile(preset, testbedFile(preset)),
    (t) =>
      t.rows.every((r) => r.latencyIntervals !== undefined) &&
      t.earlyExit.candidates.every((c) => c.accuracyEstimate !== undefined),
    'latency intervals',
    `run 'spikesplit testbed --preset ${preset}' again`,
  );
}
