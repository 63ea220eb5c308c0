/**
 * The process's spike engine: one kernel pool, made on first use with `engineThreads()` threads.
 * `useEngineThreads` replaces it (tests compare thread counts; a worker replica runs one thread).
 */
import { KernelPool } from './pool';
import { engineThreads } from './threads';

let pool: KernelPool | null = null;
let spikeKernels = true;

/** Whether convolutions that read spikes run the spike kernels (true) or tfjs's dense convolution. */
export function spikeKernelsEnabled(): boolean {
  return spikeKernels;
}

/** Chooses the spike kernels or the dense convolution for every layer that reads spikes (parity checks, baselines). */
export function useSpikeKernels(enabled: boolean): void {
  spikeKernels = enabled;
}

export function kernelPool(): KernelPool {
  pool ??= KernelPool.create(engineThreads());
  return pool;
}

/** The threads the engine uses now: the kernel pool's, and the dense pool's (lib/backend/dense-pool.ts). */
export function kernelThreads(): number {
  return kernelPool().threads;
}

/** Replaces the pool by one of `threads` threads (the old one's workers stop). */
export function useEngineThreads(threads: number): KernelPool {
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
  return { threads: kernelPool().threads, kernels: 'accumulate-only spike convolution, LIF: WebAssembly SIMD (AssemblyScript), shared memory' };
}
