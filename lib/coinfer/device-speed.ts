/**
 * Emulated device speed. A device `slowdown` times slower than this machine runs its part here, measures the
 * wall time m of that (forward pass and reading the result back), then waits (slowdown - 1) * m more, so
 * the request leaves when it would have on the slower device. The device compute time reported is
 * slowdown * m. Slowdown 1 (the default) adds nothing; values below 1 cannot make this machine faster and
 * are refused.
 */
export function checkSlowdown(slowdown: number): void {
  if (!(slowdown >= 1 && Number.isFinite(slowdown)))
    throw new RangeError(`device slowdown is ${slowdown}; expected a finite factor >= 1 (1 = this machine's speed)`);
}

/** Runs `work`, then waits so it seems to have taken `slowdown` times as long; returns its result and that time. */
export async function runAtDeviceSpeed<R>(slowdown: number, work: () => R): Promise<{ result: R; computeMs: number }> {
  checkSlowdown(slowdown);
  const start = performance.now();
  const result = work();
  const measuredMs = performance.now() - start;
  const computeMs = slowdown * measuredMs;
  // timers may fire a fraction of a millisecond early: wait again until the emulated compute time has passed
  while (performance.now() - start < computeMs)
    await new Promise((resolve) => setTimeout(resolve, computeMs - (performance.now() - start)));
  return { result, computeMs };
}
