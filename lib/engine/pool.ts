/**
 * The kernel pool: the spike kernels (kernels.wasm, built from assembly/) instantiated on one shared
 * WebAssembly memory by the calling thread and by `threads - 1` worker threads. `run` is synchronous: it
 * writes the arguments, wakes the workers and takes chunks of the kernel's work itself, and each worker that
 * wakes in time takes chunks too (generations.ts's chunked handshake); it returns when the work is done, so an
 * op inside a tfjs forward or gradient function can call it like any other kernel. Model code never sees it.
 * Kernels run on `threads` threads, which `activate` can lower (and raise back) without new workers: on one
 * thread no worker is woken.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { dispatchChunks } from './generations';
import {
  ARENA_BYTES,
  ARGS_BYTES,
  CTRL,
  CTRL_BYTES,
  KERNELS,
  MAX_PAGES,
  PAGE_BYTES,
  type KernelFn,
  type KernelName,
} from './layout';

/** An f32 argument (every other argument is an i32 or a pointer). */
export class F32 {
  constructor(readonly value: number) {}
}

export type KernelArg = number | F32;

const ARGS_AT = CTRL_BYTES;

export class KernelPool {
  readonly memory: WebAssembly.Memory;
  private readonly kernels: KernelFn[];
  private readonly workers: Worker[] = [];
  private readonly ctrl: Int32Array;
  /** Where the arena starts: below it, from ARENA_BYTES, what `keep` holds between ops. */
  private base = ARENA_BYTES;
  /** The arena's next free byte; `reset` rewinds it to `base`. */
  private top = ARENA_BYTES;
  /** How many times `reset` ran: what was handed out since is valid while it stays the same. */
  private resets = 0;
  /** The threads kernels run on: the caller's and the first `active - 1` workers. */
  private active: number;

  private constructor(
    /** The threads the pool was made with. */
    readonly capacity: number,
    module: WebAssembly.Module,
  ) {
    this.active = capacity;
    this.memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    const exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as Record<
      string,
      KernelFn
    >;
    this.kernels = KERNELS.map((name) => {
      if (typeof exports[name] !== 'function')
        throw new Error(`kernels.wasm exports no kernel '${name}'; rebuild it with npm run build`);
      return exports[name];
    });
    this.ctrl = new Int32Array(this.memory.buffer, 0, CTRL_BYTES / 4);
  }

  /**
   * A pool of `threads` threads: the caller's and `threads - 1` workers, started here. Nothing waits for them
   * to come up: a worker starts from generation 0, so a dispatch made before it runs is picked up once it does.
   */
  static create(threads: number): KernelPool {
    if (!Number.isInteger(threads) || threads < 1)
      throw new RangeError(`kernel pool: threads must be a positive integer, got ${threads}`);
    const file = path.join(__dirname, 'kernels.wasm');
    if (!fs.existsSync(file))
      throw new Error(`the spike kernels are not built: ${file} is missing (run npm run build)`);
    const module = new WebAssembly.Module(fs.readFileSync(file));
    const pool = new KernelPool(threads, module);
    for (let tid = 1; tid < threads; tid++) {
      const worker = new Worker(path.join(__dirname, 'worker.js'), {
        workerData: { module, memory: pool.memory, tid },
      });
      worker.unref(); // a waiting worker never keeps the process alive
      pool.workers.push(worker);
    }
    return pool;
  }

  /** The threads kernels run on now (per-thread scratch and result slots are sized by it). */
  get threads(): number {
    return this.active;
  }

  /** Runs kernels on `threads` (1 to the pool's capacity) threads from now on. */
  activate(threads: number): void {
    if (!Number.isInteger(threads) || threads < 1 || threads > this.capacity)
      throw new RangeError(`kernel pool: threads must be an integer from 1 to ${this.capacity}, got ${threads}`);
    this.active = threads;
  }

  /** Runs `kernel` on the active threads with `args` (written to the argument block) and returns when all are done. */
  run(kernel: KernelName, args: readonly KernelArg[]): void {
    if (args.length > ARGS_BYTES / 4)
      throw new RangeError(`kernel ${kernel}: at most ${ARGS_BYTES / 4} arguments, got ${args.length}`);
    const buffer = this.memory.buffer;
    const ints = new Int32Array(buffer, ARGS_AT, args.length);
    const floats = new Float32Array(buffer, ARGS_AT, args.length);
    args.forEach((a, i) => (a instanceof F32 ? (floats[i] = a.value) : (ints[i] = a)));
    const nt = this.threads;
    const id = KERNELS.indexOf(kernel);
    const ctrl = this.ctrl;
    Atomics.store(ctrl, CTRL.kernel, id);
    Atomics.store(ctrl, CTRL.args, ARGS_AT);
    Atomics.store(ctrl, CTRL.threads, nt); // workers from tid nt on stay out
    Atomics.store(ctrl, CTRL.chunk, 0);
    dispatchChunks(
      ctrl,
      CTRL,
      nt > 1,
      () => this.kernels[id](ARGS_AT, 0),
      () =>
        new Error(
          `spike engine: a worker thread failed to run kernel '${kernel}'; set SPIKESPLIT_THREADS=1 to run without workers`,
        ),
    );
  }

  /** `bytes` of arena memory, 16-byte aligned, valid until the next `reset`; grows the memory as needed. */
  alloc(bytes: number): number {
    const at = this.top;
    const end = at + Math.ceil(bytes / 16) * 16;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE_BYTES);
      if (have / PAGE_BYTES + pages > MAX_PAGES) {
        throw new RangeError(
          `spike engine: an op needs ${(end / 2 ** 30).toFixed(2)} GiB of kernel memory, more than wasm32's 4 GiB`,
        );
      }
      this.memory.grow(pages);
    }
    this.top = end;
    return at;
  }

  /** The arena's next free byte: a mark that `release` frees back to. */
  get arenaTop(): number {
    return this.top;
  }

  /** Frees what `alloc` handed out since `mark` was the arena's top (`arenaTop`). */
  release(mark: number): void {
    if (mark < this.base || mark > this.top)
      throw new RangeError(`kernel pool: release(${mark}) is outside the arena [${this.base}, ${this.top}]`);
    this.top = mark;
  }

  /** Copies `bytes` from `from` to `to` within the pool's memory (the ranges may overlap). */
  move(to: number, from: number, bytes: number): void {
    new Uint8Array(this.memory.buffer).copyWithin(to, from, from + bytes);
  }

  /** Frees everything `alloc` handed out. */
  reset(): void {
    this.top = this.base;
    this.resets++;
  }

  /** Changes at every `reset`: tells whether two moments fall within one op. */
  get arenaEpoch(): number {
    return this.resets;
  }

  /** Whether nothing of the arena is handed out (so `keep` may be called). */
  get arenaEmpty(): boolean {
    return this.top === this.base;
  }

  /**
   * `bytes` of memory kept between ops, until `dropKept`: taken while the arena is empty (an op's first
   * allocation), below the arena, which then starts after it.
   */
  keep(bytes: number): number {
    if (!this.arenaEmpty) throw new Error('kernel pool: keep() is only allowed while the arena is empty');
    const at = this.alloc(bytes);
    this.base = this.top;
    return at;
  }

  /** Bytes that `keep` holds now. */
  keptBytes(): number {
    return this.base - ARENA_BYTES;
  }

  /** Frees everything `keep` handed out (the arena must be empty). */
  dropKept(): void {
    if (!this.arenaEmpty) throw new Error('kernel pool: dropKept() is only allowed while the arena is empty');
    this.base = this.top = ARENA_BYTES;
  }

  f32(at: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, length);
  }

  u32(at: number, length: number): Uint32Array {
    return new Uint32Array(this.memory.buffer, at, length);
  }

  f64(at: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, at, length);
  }

  /** Stops the workers (they wait between kernels, never inside one: `run` returns only when they are out). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
