/**
 * The process's spike engine: one kernel pool, made on first use with `engineThreads()` threads.
 * `useEngineThreads` changes its thread count (tests and benchmarks compare thread counts).
 */
import { KernelPool } from './pool';
import { engineThreads } from './threads';
import { WeightCache } from './weight-cache';

let pool: KernelPool | null = null;
let cache: WeightCache | null = null;
let engineKernels = true;

/**
 * Whether the engine's kernels run: convolutions that read spikes and the LIF recurrence (true), or tfjs's
 * dense convolution and the LIF as tensor ops (`lifMultiStep`).
 */
export function engineKernelsEnabled(): boolean {
  return engineKernels;
}

/**
 * Chooses the engine's kernels or tfjs's own ops for every spike convolution and LIF layer: parity checks,
 * dense baselines, and the web page's device (the engine's threads and wasm file are Node's).
 */
export function useEngineKernels(enabled: boolean): void {
  engineKernels = enabled;
}

export function kernelPool(): KernelPool {
  pool ??= KernelPool.create(engineThreads());
  return pool;
}

/** The blocked filters kept in the pool's memory. */
export function weightCache(): WeightCache {
  const p = kernelPool();
  if (cache?.pool !== p) cache = new WeightCache(p);
  return cache;
}

/** Runs `body` with the pool's arena empty, and empties it afterwards: one op's memory (ops never nest). */
export function withArena<T>(body: (pool: KernelPool) => T): T {
  const p = kernelPool();
  p.reset();
  try {
    return body(p);
  } finally {
    p.reset();
  }
}

/** The threads the engine uses now: the kernel pool's, and the dense pool's (lib/backend/dense-pool.ts). */
export function kernelThreads(): number {
  return kernelPool().threads;
}

/**
 * Runs the engine on `threads` threads from now on. Up to the pool's capacity its workers stay, already warm
 * (their kernels compiled, the blocked weights kept), so thread counts can alternate; more replaces the pool.
 */
export function useEngineThreads(threads: number): KernelPool {
  if (pool && threads <= pool.capacity) {
    pool.activate(threads);
    return pool;
  }
  const old = pool;
  pool = KernelPool.create(threads);
  void old?.close();
  return pool;
}

/** What `spikesplit info` reports of the engine. */
export interface EngineInfo {
  /** Threads the spike kernels run on (SPIKESPLIT_THREADS, else every core). */
  threads: number;
  kernels: string;
}

export function engineInfo(): EngineInfo {
  return {
    threads: kernelPool().threads,
    kernels: 'accumulate-only spike convolution, LIF: WebAssembly SIMD (AssemblyScript), shared memory',
  };
}
