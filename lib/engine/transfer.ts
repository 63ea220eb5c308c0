/**
 * Moving tensors between tfjs and the engine's memory with one copy each way: on the wasm backend the values
 * are read straight from its heap (no `dataSync` copy) and a new tensor is written from the engine's memory;
 * other backends keep the array they are given, so they get a copy of their own.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelPool } from './pool';

interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: { HEAPU8: Uint8Array };
}

/** The float32 values of `t`, as a view that is valid until the backend next allocates. */
function values(t: tf.Tensor): Float32Array {
  if (t.dtype !== 'float32') throw new TypeError(`spike engine: expected a float32 tensor, got ${t.dtype}`);
  if (tf.getBackend() === 'wasm') {
    const backend = tf.backend() as unknown as WasmBackendInternals;
    const { memoryOffset } = backend.dataIdMap.get(t.dataId);
    return new Float32Array(backend.wasm.HEAPU8.buffer, memoryOffset, t.size);
  }
  return t.dataSync() as Float32Array;
}

/** Copies `t` into fresh arena memory, with `slackBytes` of room after it; returns its address. */
export function copyIn(pool: KernelPool, t: tf.Tensor, slackBytes = 0): number {
  const at = pool.alloc(t.size * 4 + slackBytes);
  pool.f32(at, t.size).set(values(t));
  return at;
}

/** Copies `array` into fresh arena memory; returns its address. */
export function copyArrayIn(pool: KernelPool, array: Float32Array | Uint32Array): number {
  const at = pool.alloc(array.byteLength);
  new Uint8Array(pool.memory.buffer, at, array.byteLength).set(
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength),
  );
  return at;
}

/** `[C]` per-channel values in fresh arena memory, padded with zeros to whole quads (the kernels read quads). */
export function quadsIn(pool: KernelPool, values: Float32Array): number {
  const padded = Math.ceil(values.length / 4) * 4;
  const at = pool.alloc(padded * 4);
  pool.f32(at, padded).fill(0);
  pool.f32(at, values.length).set(values);
  return at;
}

/** A new tensor of `shape` from the floats at `at`. */
export function tensorAt<R extends tf.Rank>(pool: KernelPool, at: number, shape: number[]): tf.Tensor<R> {
  const size = shape.reduce((a, b) => a * b, 1);
  const view = pool.f32(at, size);
  return tf.tensor(
    tf.getBackend() === 'wasm' ? view : view.slice(),
    shape as number[] as tf.ShapeMap[R],
    'float32',
  ) as tf.Tensor<R>;
}
