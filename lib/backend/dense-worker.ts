/**
 * One thread of the dense pool (dense-pool.ts): a tfjs wasm backend of its own that runs the part of a
 * batch-split kernel the calling thread hands it through shared memory, and writes its output back there.
 */
import { workerData } from 'worker_threads';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { serve } from '../engine/generations';
import { DENSE_CTRL, DENSE_CTRL_BYTES, type DenseJob } from './dense-job';
import { registerWasmKernels } from './wasm-kernels';

const { memory, tid } = workerData as { memory: WebAssembly.Memory; tid: number };

async function ready(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  registerWasmKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not load');
  await tf.ready();
}

/** Runs this worker's job of the current dispatch; false when the pool closes. */
function work(ctrl: Int32Array): boolean {
  const bytes = Atomics.load(ctrl, DENSE_CTRL.jobBytes);
  if (bytes < 0) return false;
  const buffer = memory.buffer;
  const jobs = JSON.parse(Buffer.from(new Uint8Array(buffer, DENSE_CTRL_BYTES, bytes)).toString('utf8')) as DenseJob[];
  const job = jobs[tid - 1];
  if (!job) return true;
  tf.tidy(() => {
    const inputs = Object.fromEntries(
      Object.entries(job.inputs).map(([name, t]) => [
        name,
        tf.tensor(
          new Float32Array(
            buffer,
            t.offset,
            t.shape.reduce((a, b) => a * b, 1),
          ),
          t.shape,
        ),
      ]),
    );
    const out = tf.engine().runKernel(job.kernel, inputs, job.attrs as tf.NamedAttrMap) as tf.Tensor;
    new Float32Array(buffer, job.output, out.size).set(out.dataSync() as Float32Array);
  });
  return true;
}

const report = (what: string) => (err: unknown) =>
  process.stderr.write(`spikesplit dense worker ${tid}: ${what}${err instanceof Error ? err.message : String(err)}\n`);

const ctrl = new Int32Array(memory.buffer, 0, 16);
ready().then(
  () => serve(ctrl, DENSE_CTRL, () => work(ctrl), report('')),
  (err) => {
    report('could not start: ')(err);
    serve(
      ctrl,
      DENSE_CTRL,
      () => {
        if (Atomics.load(ctrl, DENSE_CTRL.jobBytes) < 0) return false;
        throw err;
      },
      () => undefined,
    );
  },
);
