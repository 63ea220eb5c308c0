// The public surface of spikesplit: `import { ... } from 'spikesplit'` in notebooks, tests, scripts.
export * from './util';
