/** Step 3, the link study: a split point's accuracy over a noisy link (`run.ts` says what it measures). */
export * from './schema';
export * from './configuration';
export * from './run';
