/**
 * The public surface of spikesplit: one namespace per room of `lib/`, so that how a name is imported says where it
 * lives (`snn.lifStep` is in `lib/snn/`, `energy.paperTable3Reports` in `lib/energy/`):
 *
 *   import { snn, models, bottleneck, codec, energy, viz, notebook } from 'spikesplit';
 *
 * Notebooks and docs import this way.
 */
export * as util from './util';
export * as backend from './backend';
export * as engine from './engine';
export * as data from './data';
export * as codec from './codec';
export * as snn from './snn';
export * as models from './models';
export * as bottleneck from './bottleneck';
export * as energy from './energy';
export * as train from './train';
export * as stats from './stats';
export * as viz from './viz';
export * as experiments from './experiments';
export * as neucodex from './neucodex';
export * as coinfer from './coinfer';
export * as scaleout from './scaleout';
export * as notebook from './notebook';

/*
 * The flat form, every room's names at the top level, kept for the code written against it before the namespaces:
 * scripts/, bench/ and test/ (`import { initBackend } from 'spikesplit'`). New code imports a namespace. One name is
 * shadowed here: `train` is the room (`train.train(...)` is the training loop), not the function.
 */
export * from './util';
export * from './backend';
export * from './engine';
export * from './data';
export * from './codec';
export * from './snn';
export * from './models';
export * from './bottleneck';
export * from './energy';
export * from './train';
export * from './stats';
export * from './viz';
export * from './experiments';
export * from './neucodex';
export * from './coinfer';
export * from './scaleout';
