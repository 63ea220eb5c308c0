#!/usr/bin/env node
// Compiles the spike engine's AssemblyScript kernels (lib/engine/assembly/) to
// dist/lib/engine/kernels.wasm: WebAssembly SIMD, an imported shared memory (one for every thread), no runtime.
const { execFileSync } = require('child_process');
const path = require('path');
const root = path.resolve(__dirname, '..');
const asc = path.join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
const out = path.join(root, 'dist', 'lib', 'engine', 'kernels.wasm');
// The kernels' static data (the exp tables of Mathf.exp) lives in [DATA_BASE, ARENA_BYTES): below it the
// control and argument blocks, above it the arena (lib/engine/layout.ts). Every instance, one per thread,
// writes its data segment when it starts, so nothing else may live there.
const DATA_BASE = 4096;
const ARENA_BYTES = 65536;
execFileSync(
  process.execPath,
  [
    asc,
    path.join(root, 'lib', 'engine', 'assembly', 'index.ts'),
    '--outFile',
    out,
    '--optimizeLevel',
    '3',
    '--shrinkLevel',
    '0',
    '--noAssert',
    '--runtime',
    'stub',
    '--memoryBase',
    String(DATA_BASE),
    '--importMemory',
    '--sharedMemory',
    '--initialMemory',
    '1',
    '--maximumMemory',
    '65536',
    '--enable',
    'simd',
    '--enable',
    'threads',
  ],
  { stdio: 'inherit', cwd: root },
);

const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
new WebAssembly.Instance(new WebAssembly.Module(require('fs').readFileSync(out)), { env: { memory } });
const bytes = new Uint8Array(memory.buffer);
const used = bytes.reduce((last, b, i) => (b !== 0 ? i : last), -1);
const first = bytes.findIndex((b) => b !== 0);
if (used >= ARENA_BYTES || (first >= 0 && first < DATA_BASE)) {
  throw new Error(`kernels.wasm's static data spans bytes ${first}..${used}, outside [${DATA_BASE}, ${ARENA_BYTES})`);
}
