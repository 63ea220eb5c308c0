/**
 * The handshake both thread pools use over an Int32Array control block in shared memory (the kernel pool's
 * and the dense pool's): the caller bumps a generation and does its own share; each worker wakes on the new
 * generation, does its share, counts itself done and flags a failure instead of dying, so the caller, which
 * waits synchronously, never hangs.
 */
export interface ControlSlots {
  readonly generation: number;
  readonly done: number;
  readonly failed: number;
}

/**
 * Loads of a slot before sleeping on it: a dispatch or a finish that comes within some microseconds (the next
 * kernel of a forward pass) is met awake, without the futex round trip of waking a sleeping thread.
 */
const SPINS = 4000;

/** Returns once `ctrl[index]` is no longer `value` (or, rarely, spuriously: callers check again). */
function waitWhile(ctrl: Int32Array, index: number, value: number): void {
  for (let i = 0; i < SPINS; i++) if (Atomics.load(ctrl, index) !== value) return;
  Atomics.wait(ctrl, index, value);
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
  let seen = 0;
  for (;;) {
    waitWhile(ctrl, slots.generation, seen);
    const now = Atomics.load(ctrl, slots.generation);
    if (now === seen) continue; // woken spuriously
    seen = now;
    try {
      if (!work()) break;
    } catch (err) {
      Atomics.store(ctrl, slots.failed, 1);
      onError(err);
    }
    Atomics.add(ctrl, slots.done, 1);
    Atomics.notify(ctrl, slots.done);
  }
}
