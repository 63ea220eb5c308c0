/** The NeuCODEX experiment (`run.ts` says what it runs): results schema, configurations, sources, runs. */
export * from './schema';
export { neucodexConfigs } from './configs';
export type { NeucodexSources, NeucodexContext } from './sources';
export { neucodexContext } from './sources';
export { collectNeucodex, readNeucodex, neucodexRowFinished } from './collect';
export { runNeucodexBackbone, runNeucodexRow, runNeucodex } from './run';
