/** The edge-to-cloud testbed (`run.ts` says what it measures): settings, results, the models it runs. */
export * from './config';
export * from './schema';
export { findTestbedModels, neucodexModelsDir } from './models';
export { meanRequestTiming } from './measure';
export { runTestbed, type TestbedOptions } from './run';
export * from './netns';
