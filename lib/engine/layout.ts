/**
 * Where things live in the engine's shared memory (byte offsets): a control block for dispatch, one argument
 * block, the kernels' static data from byte 4096 (scripts/build-kernels.cjs checks it ends below the arena),
 * then the arena the ops allocate from.
 */
/** Int32 slots of the control block. */
export const CTRL = { generation: 0, done: 1, kernel: 2, args: 3, threads: 4, failed: 5 } as const;
export const CTRL_BYTES = 1024;
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
/** The signature every kernel has: its argument block, this thread's index, the thread count. */
export type KernelFn = (args: number, tid: number, threads: number) => void;
