/**
 * Every figure title and table caption names the preset its numbers come from and the backend that computed
 * them, so a picture cut out of a notebook still says which run it shows.
 */
export interface RunLabel {
  /** `tiny`, `cpu` or `paper`. */
  preset: string;
  /** The tfjs backend: `node`, `wasm` or `cpu`. */
  backend: string;
}

/** `text (preset tiny, backend wasm)`. */
export function labelled(text: string, run: RunLabel): string {
  for (const key of ['preset', 'backend'] as const) {
    const value: unknown = run[key];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new Error(
        `a figure or table label needs the run's ${key} as a non-empty string; got ${JSON.stringify(value)}`,
      );
    }
  }
  return `${text} (preset ${run.preset}, backend ${run.backend})`;
}

/** The run label of a stored result (anything that records its preset and backend), for its tables and figures. */
export function runLabel(run: RunLabel): RunLabel {
  return { preset: run.preset, backend: run.backend };
}
