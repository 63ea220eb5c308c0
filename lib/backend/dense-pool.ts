/**
 * The dense pool: worker threads, each with a tfjs wasm backend of its own, that take part of a batch of a
 * dense kernel the calling thread is running (XNNPACK runs one thread in Node). `splitBatch` is synchronous,
 * so a kernel function can call it: it copies each worker's rows of the batched input to shared memory,
 * wakes the workers, runs its own rows with the kernel it was given, waits, and gathers the rows of the output.
 * Rows of a batch are independent in these kernels (a convolution's input gradient), so the output is the
 * same as one thread's, up to XNNPACK's blocking. Its size follows the engine's threads.
 */
import * as path from 'path';
import { Worker, isMainThread } from 'worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { kernelThreads } from '../engine/engine';
import { dispatch } from '../engine/generations';
import { DENSE_CTRL, DENSE_CTRL_BYTES, DENSE_JOBS_BYTES, type DenseJob } from './dense-job';

type TensorInfo = tf.TensorInfo;

interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
}

const PAGE_BYTES = 65536;

class DensePool {
  readonly memory = new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true });
  private readonly workers: Worker[] = [];
  private readonly ctrl = new Int32Array(this.memory.buffer, 0, DENSE_CTRL_BYTES / 4);

  constructor(readonly threads: number) {
    for (let tid = 1; tid < threads; tid++) {
      const worker = new Worker(path.join(__dirname, 'dense-worker.js'), { workerData: { memory: this.memory, tid } });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /**
   * Runs a kernel on `rows` of a batch: rows [0, own) with `ownPart` on this thread, the rest split evenly
   * between the workers, each with `kernel` on `attrsFor(part rows)`. `batched` is the input split by rows (its
   * first axis), `shared` the inputs every part reads whole; `outShape` is the whole output's shape.
   */
  splitBatch(
    backend: WasmBackendInternals,
    kernel: string,
    batched: [string, TensorInfo],
    shared: Record<string, TensorInfo>,
    attrsFor: (rows: number) => Record<string, unknown>,
    outShape: number[],
    ownPart: (rows: number) => TensorInfo,
  ): TensorInfo {
    const [name, input] = batched;
    const rows = input.shape[0];
    const bounds = Array.from({ length: this.threads + 1 }, (_, i) => Math.round((rows * i) / this.threads));
    const inRow = input.shape.slice(1).reduce((a, b) => a * b, 1),
      outRow = outShape.slice(1).reduce((a, b) => a * b, 1);
    const heap = () => backend.wasm.HEAPU8.buffer;
    const offsetOf = (t: TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
    // Layout: the shared inputs, then per worker its input rows and its output rows.
    let top = DENSE_CTRL_BYTES + DENSE_JOBS_BYTES;
    const place = (floats: number) => {
      const at = top;
      top += Math.ceil((floats * 4) / 16) * 16;
      return at;
    };
    const sharedAt = Object.fromEntries(
      Object.entries(shared).map(([k, t]) => [
        k,
        { offset: place(t.shape.reduce((a, b) => a * b, 1)), shape: t.shape },
      ]),
    );
    const jobs: DenseJob[] = this.workers.map((_, i) => {
      const [r0, r1] = [bounds[i + 1], bounds[i + 2]];
      return {
        kernel,
        attrs: attrsFor(r1 - r0),
        inputs: {
          ...sharedAt,
          [name]: { offset: place((r1 - r0) * inRow), shape: [r1 - r0, ...input.shape.slice(1)] },
        },
        output: place((r1 - r0) * outRow),
      };
    });
    if (top > this.memory.buffer.byteLength)
      this.memory.grow(Math.ceil((top - this.memory.buffer.byteLength) / PAGE_BYTES));
    const mem = this.memory.buffer;
    for (const [k, t] of Object.entries(shared))
      new Uint8Array(mem, sharedAt[k].offset, t.shape.reduce((a, b) => a * b, 1) * 4).set(
        new Uint8Array(heap(), offsetOf(t), t.shape.reduce((a, b) => a * b, 1) * 4),
      );
    jobs.forEach((job, i) => {
      const [r0, r1] = [bounds[i + 1], bounds[i + 2]];
      new Uint8Array(mem, job.inputs[name].offset, (r1 - r0) * inRow * 4).set(
        new Uint8Array(heap(), offsetOf(input) + r0 * inRow * 4, (r1 - r0) * inRow * 4),
      );
    });
    const json = Buffer.from(JSON.stringify(jobs), 'utf8');
    if (json.length > DENSE_JOBS_BYTES)
      throw new RangeError(
        `dense pool: the jobs' description takes ${json.length} bytes, more than ${DENSE_JOBS_BYTES}`,
      );
    new Uint8Array(mem, DENSE_CTRL_BYTES, json.length).set(json);
    Atomics.store(this.ctrl, DENSE_CTRL.jobBytes, json.length);
    const own = dispatch(
      this.ctrl,
      DENSE_CTRL,
      this.workers.length,
      () => ownPart(bounds[1]),
      () =>
        new Error(
          `dense pool: a worker failed to run ${kernel} (its message is on stderr); set SPIKESPLIT_THREADS=1 to run without workers`,
        ),
    );
    const out = backend.makeOutput(outShape, 'float32');
    const dst = offsetOf(out);
    new Uint8Array(heap(), dst, bounds[1] * outRow * 4).set(
      new Uint8Array(heap(), offsetOf(own), bounds[1] * outRow * 4),
    );
    (backend as unknown as { disposeData(id: object): void }).disposeData(own.dataId);
    jobs.forEach((job, i) => {
      const [r0, r1] = [bounds[i + 1], bounds[i + 2]];
      new Uint8Array(heap(), dst + r0 * outRow * 4, (r1 - r0) * outRow * 4).set(
        new Uint8Array(this.memory.buffer, job.output, (r1 - r0) * outRow * 4),
      );
    });
    return out;
  }

  close(): void {
    Atomics.store(this.ctrl, DENSE_CTRL.jobBytes, -1);
    Atomics.add(this.ctrl, DENSE_CTRL.generation, 1);
    Atomics.notify(this.ctrl, DENSE_CTRL.generation);
    for (const w of this.workers) void w.terminate();
  }
}

let pool: DensePool | null = null;

/** The pool for the engine's thread count, or null on one thread and inside a worker. */
export function densePool(): DensePool | null {
  if (!isMainThread) return null;
  const threads = kernelThreads();
  if (threads < 2) return null;
  if (pool?.threads !== threads) {
    pool?.close();
    pool = new DensePool(threads);
  }
  return pool;
}
