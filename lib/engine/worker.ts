/**
 * One thread of the kernel pool: instantiates the kernels on the pool's shared memory, then waits for the
 * control block's generation to change, runs its share of the named kernel and counts itself done. A worker
 * that cannot instantiate or run the kernels flags it and still counts itself done, so the caller never hangs.
 */
import { workerData } from 'worker_threads';
import { CTRL, CTRL_BYTES, KERNELS, type KernelFn } from './layout';

const { module: kernelModule, memory, tid } = workerData as { module: WebAssembly.Module; memory: WebAssembly.Memory; tid: number };
const ctrl = new Int32Array(memory.buffer, 0, CTRL_BYTES / 4);
let kernels: KernelFn[] | null = null;
try {
  const exports = new WebAssembly.Instance(kernelModule, { env: { memory } }).exports as Record<string, KernelFn>;
  kernels = KERNELS.map((name) => exports[name]);
} catch {
  Atomics.store(ctrl, CTRL.failed, 1);
}
let seen = 0; // the pool's generation when this worker was made
for (;;) {
  Atomics.wait(ctrl, CTRL.generation, seen);
  seen = Atomics.load(ctrl, CTRL.generation);
  const kernel = Atomics.load(ctrl, CTRL.kernel);
  if (kernel < 0) break; // the pool closes
  const threads = Atomics.load(ctrl, CTRL.threads);
  try {
    if (kernels && tid < threads) kernels[kernel](Atomics.load(ctrl, CTRL.args), tid, threads);
  } catch {
    Atomics.store(ctrl, CTRL.failed, 1);
  }
  Atomics.add(ctrl, CTRL.done, 1);
  Atomics.notify(ctrl, CTRL.done);
}
