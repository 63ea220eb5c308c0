export * from './rng';
export * from './atomic';
export * from './progress';
export * from './project-root';
export * from './shape';
export * from './file-error';
export * from './artefact';
