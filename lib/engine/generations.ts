/**
 * The handshakes of the thread pools over an Int32Array control block in shared memory. In both, the caller
 * bumps a generation and works itself; each worker wakes on the new generation, works, and flags a failure
 * instead of dying, so the caller, which waits synchronously, never hangs.
 * - Fixed shares (`dispatch`, `serve`: the dense pool, the replicas): each worker has its own share, and the
 *   caller waits until every worker has counted itself done.
 * - Chunks (`dispatchChunks`, `serveChunks`: the kernel pool): the threads take chunks of one piece of work
 *   from a common counter, so whoever is awake does it. A worker joins only while the caller holds the
 *   generation open; the caller closes it when no chunk is left and waits only for the workers that joined.
 *   A worker that wakes late (a sleeping thread can take hundreds of microseconds) then costs nothing.
 */
export interface ControlSlots {
  readonly generation: number;
  readonly done: number;
  readonly failed: number;
}

/**
 * Loads of a slot before sleeping on it (tens of microseconds): a dispatch or a finish that comes that soon
 * (the next kernel of a forward pass, after the JavaScript between two kernels) is met awake, without the
 * futex round trip of waking a sleeping thread. At 4,000, the worker was mostly asleep by the next kernel of a
 * batch-1 ResNet-18 pass: that pass took 44-47 ms on 2 threads against 34-43 ms at 40,000, alternating runs.
 */
const SPINS = 40000;

/** Returns once `ctrl[index]` is no longer `value` (or, rarely, spuriously: callers check again). */
function waitWhile(ctrl: Int32Array, index: number, value: number): void {
  for (let i = 0; i < SPINS; i++) if (Atomics.load(ctrl, index) !== value) return;
  Atomics.wait(ctrl, index, value);
}

/** Waits until `ctrl[index]`, a generation, is no longer `seen`; returns the new one. */
function nextGeneration(ctrl: Int32Array, index: number, seen: number): number {
  for (;;) {
    waitWhile(ctrl, index, seen);
    const now = Atomics.load(ctrl, index);
    if (now !== seen) return now; // else woken spuriously
  }
}

/** `work()`, or undefined after a throw, which is flagged at `ctrl[failed]` and reported to `onError`. */
function guarded<T>(ctrl: Int32Array, failed: number, work: () => T, onError: (err: unknown) => void): T | undefined {
  try {
    return work();
  } catch (err) {
    Atomics.store(ctrl, failed, 1);
    onError(err);
    return undefined;
  }
}

/** The caller's side: wakes `workers` workers, runs `own`, waits for them; throws `failure()` if one failed. */
export function dispatch<T>(
  ctrl: Int32Array,
  slots: ControlSlots,
  workers: number,
  own: () => T,
  failure: () => Error,
): T {
  if (workers > 0) {
    Atomics.store(ctrl, slots.done, 0);
    Atomics.add(ctrl, slots.generation, 1);
    Atomics.notify(ctrl, slots.generation);
  }
  const result = own();
  for (let done = Atomics.load(ctrl, slots.done); done < workers; done = Atomics.load(ctrl, slots.done))
    waitWhile(ctrl, slots.done, done);
  if (Atomics.exchange(ctrl, slots.failed, 0) !== 0) throw failure();
  return result;
}

/** The control slots of the chunked handshake. */
export interface ChunkSlots {
  readonly generation: number;
  /** The generation that workers may join, or CLOSED. */
  readonly open: number;
  /** Workers inside a generation (joined, or checking whether they may). */
  readonly busy: number;
  readonly failed: number;
}

/** `open` while no generation may be joined (a generation number skips it). */
const CLOSED = 0;

/**
 * The caller's side of the chunks: opens a new generation and wakes the workers (when `wake`), runs `own`
 * (which takes chunks until none is left), closes the generation and waits for the workers inside it; throws
 * `failure()` if one failed.
 */
export function dispatchChunks(
  ctrl: Int32Array,
  slots: ChunkSlots,
  wake: boolean,
  own: () => void,
  failure: () => Error,
): void {
  if (wake) {
    let generation = (Atomics.load(ctrl, slots.generation) + 1) | 0;
    if (generation === CLOSED) generation = (generation + 1) | 0;
    Atomics.store(ctrl, slots.open, generation);
    Atomics.store(ctrl, slots.generation, generation);
    Atomics.notify(ctrl, slots.generation);
  }
  own();
  if (wake) {
    Atomics.store(ctrl, slots.open, CLOSED);
    for (let busy = Atomics.load(ctrl, slots.busy); busy !== 0; busy = Atomics.load(ctrl, slots.busy))
      waitWhile(ctrl, slots.busy, busy);
  }
  if (Atomics.exchange(ctrl, slots.failed, 0) !== 0) throw failure();
}

/**
 * A worker's side of the chunks, forever: on each new generation it counts itself busy and, if the generation
 * is still open, runs `work` (which takes chunks until none is left).
 * Counting itself busy before it looks is what lets the caller, which closes first and then waits for no one
 * busy, never return while a worker reads the generation's arguments. A throw is flagged and reported to
 * `onError`.
 */
export function serveChunks(
  ctrl: Int32Array,
  slots: ChunkSlots,
  work: () => void,
  onError: (err: unknown) => void,
): never {
  for (let seen = 0; ;) {
    seen = nextGeneration(ctrl, slots.generation, seen);
    Atomics.add(ctrl, slots.busy, 1);
    if (Atomics.load(ctrl, slots.open) === seen) guarded(ctrl, slots.failed, work, onError);
    if (Atomics.sub(ctrl, slots.busy, 1) === 1) Atomics.notify(ctrl, slots.busy);
  }
}

/**
 * A worker's side, forever: waits for each new generation (from 0, the generation when the pool made it) and
 * runs `work`, which returns false when the pool closes. A throw is flagged, reported to `onError`, and counted
 * done like a success.
 */
export function serve(
  ctrl: Int32Array,
  slots: ControlSlots,
  work: () => boolean,
  onError: (err: unknown) => void,
): void {
  for (let seen = 0; ;) {
    seen = nextGeneration(ctrl, slots.generation, seen);
    if (guarded(ctrl, slots.failed, work, onError) === false) break;
    Atomics.add(ctrl, slots.done, 1);
    Atomics.notify(ctrl, slots.done);
  }
}
