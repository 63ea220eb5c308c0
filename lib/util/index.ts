export * from './rng';
export * from './atomic';
export * from './progress';
