export * from './preset';
export * from './provenance';
export * from './data';
export * from './paths';
export * from './backbone';
export * from './sweep';
export * from './selection';
export * from './results';
