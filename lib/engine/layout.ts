/**
 * Where things live in the engine's shared memory (byte offsets): a control block for dispatch, one argument
 * block, the kernels' static data from byte 4096 (scripts/build-kernels.cjs checks it ends below the arena),
 * then the arena the ops allocate from.
 */
export const CTRL_BYTES = 1024;
/**
 * Int32 slots of the control block (generations.ts's chunked handshake). `chunk`, the last, just below the
 * arguments: the next chunk of the running kernel to be taken (assembly/common.ts's nextChunk).
 */
export const CTRL = {
  generation: 0,
  open: 1,
  busy: 2,
  failed: 3,
  kernel: 4,
  args: 5,
  threads: 6,
  chunk: CTRL_BYTES / 4 - 1,
} as const;
/** One kernel's arguments, from CTRL_BYTES: up to 512 i32/f32 values. */
export const ARGS_BYTES = 2048;
/** The arena starts here, 16-byte aligned. */
export const ARENA_BYTES = 65536;
export const PAGE_BYTES = 65536;
/** wasm32's limit: 65,536 pages of 64 KiB, 4 GiB. */
export const MAX_PAGES = 65536;
/** The kernels the wasm module exports, in dispatch order (a worker is told the index). */
export const KERNELS = [
  'pack',
  'lists',
  'relayout',
  'convForward',
  'filterGrad',
  'lifForward',
  'lifBackward',
  'channelSums',
  'channelAffine',
  'optimizerStep',
] as const;
export type KernelName = (typeof KERNELS)[number];
/** The signature every kernel has: its argument block, this thread's index (for its scratch and result slots). */
export type KernelFn = (args: number, tid: number) => void;
