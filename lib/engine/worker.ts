/**
 * One thread of the kernel pool: instantiates the kernels on the pool's shared memory, then takes chunks of
 * each kernel the caller dispatches, when it wakes in time (generations.ts). A worker that cannot instantiate
 * the kernels flags every dispatch it joins as failed, so the caller reports it.
 */
import { workerData } from 'worker_threads';
import { serveChunks } from './generations';
import { CTRL, CTRL_BYTES, KERNELS, type KernelFn } from './layout';

const {
  module: kernelModule,
  memory,
  tid,
} = workerData as { module: WebAssembly.Module; memory: WebAssembly.Memory; tid: number };
const ctrl = new Int32Array(memory.buffer, 0, CTRL_BYTES / 4);
let kernels: KernelFn[] | null = null;
let startError: unknown = null;
try {
  const exports = new WebAssembly.Instance(kernelModule, { env: { memory } }).exports as Record<string, KernelFn>;
  kernels = KERNELS.map((name) => exports[name]);
} catch (err) {
  startError = err;
}
serveChunks(
  ctrl,
  CTRL,
  () => {
    if (tid >= Atomics.load(ctrl, CTRL.threads)) return;
    if (!kernels) throw startError;
    kernels[Atomics.load(ctrl, CTRL.kernel)](Atomics.load(ctrl, CTRL.args), tid);
  },
  () => undefined,
);
