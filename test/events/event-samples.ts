// The real recordings in ../shared/data/event-samples (see its README), relative to the project root.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const projectRoot = path.resolve(__dirname, '..', '..', '..'); // dist/test/events -> project root
export const samplesDir = path.resolve(projectRoot, '..', 'shared', 'data', 'event-samples');

/** `test` option: skip with a message naming the folder when the samples are absent. */
export const samplesSkip: string | false = existsSync(samplesDir) ? false : `event samples not found at ${samplesDir}`;

export function sampleBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(samplesDir, name)));
}
