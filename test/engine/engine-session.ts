import { after, before } from 'node:test';
import { engineThreads, initBackend, useEngineKernels, useEngineThreads } from 'spikesplit';

/** The hooks of a test file that switches the engine's kernels or threads: wasm before, the defaults back after. */
export function engineTestSession(): void {
  before(async () => {
    await initBackend('wasm', () => undefined);
  });
  after(() => {
    useEngineKernels(true);
    useEngineThreads(engineThreads());
  });
}
