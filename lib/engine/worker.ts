/**
 * One thread of the kernel pool: instantiates the kernels on the pool's shared memory, then runs its share of
 * each kernel the caller dispatches (generations.ts). A worker that cannot instantiate the kernels flags every
 * dispatch as failed, so the caller reports it.
 */
import { workerData } from 'worker_threads';
import { serve } from './generations';
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
serve(
  ctrl,
  CTRL,
  () => {
    const kernel = Atomics.load(ctrl, CTRL.kernel);
    if (kernel < 0) return false; // the pool closes
    if (!kernels) throw startError;
    const threads = Atomics.load(ctrl, CTRL.threads);
    if (tid < threads) kernels[kernel](Atomics.load(ctrl, CTRL.args), tid, threads);
    return true;
  },
  () => undefined,
);
