// NeuCODEX (edge-cloud SNN co-inference): dynamic early exit and its threshold sweep, learned temporal
// compression at the split point, and event-frame inputs for the backbones.
export { EXIT_CONFIDENCES, earlyExit, exitTrace, exitsAt } from './early-exit';
export type { EarlyExit, EarlyExitOptions, ExitConfidence, ExitTrace } from './early-exit';
export { chooseExitThreshold, earlyExitSweep, deviceEnergyPerStepPJ } from './exit-sweep';
export type { ExitSweepOptions, ExitSweepRow } from './exit-sweep';
export { TimeMix, TemporalEncoder, temporalExpander } from './temporal-compression';
export type { TemporalCompressionOptions } from './temporal-compression';
export { TemporallyCompressedModel } from './compressed-model';
export type { TemporalCompressionConfig } from './compressed-model';
export { emulatedEventSource } from './event-source';
export type { EmulatedEventSource, EmulatedEventSourceOptions } from './event-source';
