// The public surface of spikesplit: `import { ... } from 'spikesplit'` in notebooks, tests, scripts.
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
