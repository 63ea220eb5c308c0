export * from './connection';
export * from './store';
export * from './experiments';
export * from './jobs';
export * from './worker';
export * from './status';
