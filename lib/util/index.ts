export * from './rng';
export * from './atomic';
