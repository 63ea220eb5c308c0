// AssemblyScript: the spike engine's WebAssembly SIMD kernels, compiled to kernels.wasm by
// scripts/build-kernels.cjs; lib/engine/layout.ts lists them in dispatch order.
export { pack, lists } from './spikes';
export { relayout, convForward, filterGrad } from './conv';
export { lifForward, lifBackward } from './lif';
export { channelSums, channelAffine } from './channel';
export { optimizerStep } from './optimizer';
