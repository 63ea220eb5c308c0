/**
 * Chooses the compute backend: tfjs-node when its native binding loads (an optional dependency), else the
 * wasm backend (with the convolution gradients training needs), else the pure-JS cpu backend.
 * `SPIKESPLIT_BACKEND=node|wasm|cpu` forces one. The choice is logged once.
 */
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's CommonJS build registers no gradients; the union package's does, on the same tfjs-core.
import '@tensorflow/tfjs';
import { registerWasmKernels } from './wasm-kernels';

export type BackendName = 'node' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['node', 'wasm', 'cpu'];

/** Whether tfjs-node loaded, and the error that says why not. */
export interface NodeBindingStatus {
  loaded: boolean;
  reason: string | null;
}

let nodeStatus: NodeBindingStatus | null = null;
let logged = false;

/** Tries to load `@tensorflow/tfjs-node` once; it registers the 'tensorflow' backend when its binding loads. */
export function loadNodeBinding(): NodeBindingStatus {
  if (nodeStatus) return nodeStatus;
  try {
    require('@tensorflow/tfjs-node');
    nodeStatus = { loaded: true, reason: null };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    nodeStatus = { loaded: false, reason: message };
  }
  return nodeStatus;
}

async function setWasm(): Promise<boolean> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // Node's wasm loader reads the .wasm files from the package folder; single-threaded in Node.
  wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  registerWasmKernels();
  return tf.setBackend('wasm');
}

async function tryBackend(name: BackendName): Promise<boolean> {
  switch (name) {
    case 'node':
      return loadNodeBinding().loaded && (await tf.setBackend('tensorflow'));
    case 'wasm':
      return setWasm();
    case 'cpu':
      return tf.setBackend('cpu');
  }
}

function parseBackend(value: string, source: string): BackendName {
  if (!(BACKENDS as readonly string[]).includes(value)) {
    throw new Error(`${source} must be one of ${BACKENDS.join(', ')}; got '${value}'`);
  }
  return value as BackendName;
}

/** The short name of the active tfjs backend ('tensorflow' is reported as 'node'). */
export function activeBackend(): BackendName {
  const name = tf.getBackend();
  return name === 'tensorflow' ? 'node' : (name as BackendName);
}

/**
 * Activates a backend and returns its name. A forced backend (argument or `SPIKESPLIT_BACKEND`) that does not
 * load is an error; otherwise the first that loads of node, wasm, cpu.
 */
export async function initBackend(
  preferred?: BackendName,
  log: (line: string) => void = (l) => console.error(l),
): Promise<BackendName> {
  const env = process.env.SPIKESPLIT_BACKEND;
  const forced = preferred ?? (env ? parseBackend(env, 'SPIKESPLIT_BACKEND') : undefined);
  if (forced) {
    parseBackend(forced, 'initBackend(preferred)');
    if (!(await tryBackend(forced))) {
      const why = forced === 'node' ? `: ${loadNodeBinding().reason}` : '';
      throw new Error(`backend '${forced}' was requested but did not load${why}`);
    }
  } else {
    let chosen = false;
    for (const name of BACKENDS) {
      if (await tryBackend(name)) {
        chosen = true;
        break;
      }
    }
    if (!chosen) throw new Error('no tfjs backend loaded (tried node, wasm, cpu)');
  }
  await tf.ready();
  const name = activeBackend();
  if (!logged) {
    logged = true;
    const why =
      name !== 'node' && nodeStatus && !nodeStatus.loaded ? ` (tfjs-node not loaded: ${nodeStatus.reason})` : '';
    log(`spikesplit: backend ${name}${why}`);
  }
  return name;
}

/** What `spikesplit info` reports. */
export interface BackendInfo {
  backend: BackendName;
  tfjsVersion: string;
  nodeVersion: string;
  tfjsNode: NodeBindingStatus;
  cores: number;
  platform: string;
}

export function backendInfo(): BackendInfo {
  return {
    backend: activeBackend(),
    tfjsVersion: tf.version_core,
    nodeVersion: process.version,
    tfjsNode: loadNodeBinding(),
    cores: os.cpus().length,
    platform: `${process.platform}-${process.arch}`,
  };
}
