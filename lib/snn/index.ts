export * from './module';
export * from './time';
export * from './stop-gradient';
export * from './surrogate';
export * from './lif';
export * from './tdbn';
export * from './encoding';
export * from './monitor';
