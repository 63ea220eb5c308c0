/**
 * Progress of a long loop (decoding a data set, an epoch of training): items done, rate and ETA.
 * On a terminal one line is rewritten in place; in a log (stderr not a TTY) a line is written every few
 * seconds; a notebook passes `notebookProgress(tslab.newDisplay)`, one output line per loop updated in place.
 * The final line (from `done()`) is always emitted.
 */
export interface ProgressSink {
  (line: string, final: boolean): void;
  /** The least time between two lines this sink wants, when the `Progress` is given none. */
  readonly intervalMs?: number;
}

export interface ProgressOptions {
  /** What is being done, at the start of each line, e.g. `decoding cifar10-jpg/train`. */
  label?: string;
  /** Name of the counted unit, `items` by default; `bytes` is shown in MB. */
  unit?: string;
  /** Where lines go; stderr by default (in place on a TTY). */
  sink?: ProgressSink;
  /** Least time between two lines: the sink's own `intervalMs`, else 200 ms on a TTY, 5000 ms otherwise. */
  intervalMs?: number;
  /** Clock in milliseconds; `Date.now` by default (tests pass their own). */
  now?: () => number;
}

export class Progress {
  private readonly label: string;
  private readonly unit: string;
  private readonly sink: ProgressSink;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly startMs: number;
  private lastEmitMs: number;
  private finished = false;
  /** Items done so far. */
  count = 0;

  /** `total` is the number of items expected, or undefined when unknown (no percentage, no ETA). */
  constructor(
    readonly total: number | undefined,
    options: ProgressOptions = {},
  ) {
    if (total !== undefined && !(Number.isFinite(total) && total >= 0)) {
      throw new RangeError(`Progress total must be a finite count >= 0 or undefined, got ${total}`);
    }
    this.label = options.label ?? '';
    this.unit = options.unit ?? 'items';
    this.now = options.now ?? Date.now;
    const tty = options.sink === undefined && process.stderr.isTTY === true;
    this.sink = options.sink ?? (tty ? stderrInPlace : stderrLines);
    this.intervalMs = options.intervalMs ?? this.sink.intervalMs ?? (tty ? 200 : 5000);
    this.startMs = this.now();
    this.lastEmitMs = this.startMs; // the first line after one interval, once the rate means something
  }

  /** Seconds since construction. */
  get elapsedSeconds(): number {
    return (this.now() - this.startMs) / 1000;
  }

  /** Average items per second since construction (0 before any time has passed). */
  get ratePerSecond(): number {
    const s = this.elapsedSeconds;
    return s > 0 ? this.count / s : 0;
  }

  /** Seconds left at the average rate; undefined when the total or the rate is unknown. */
  get etaSeconds(): number | undefined {
    const rate = this.ratePerSecond;
    if (this.total === undefined || rate === 0) return undefined;
    return Math.max(0, this.total - this.count) / rate;
  }

  /** Counts `n` more items done and emits a line if the interval has passed. */
  tick(n = 1): void {
    if (this.finished) throw new Error(`Progress '${this.label}': tick() after done()`);
    this.count += n;
    const t = this.now();
    if (t - this.lastEmitMs >= this.intervalMs) {
      this.lastEmitMs = t;
      this.sink(this.line(), false);
    }
  }

  /** Emits the final line (count, time taken, rate). Calling it twice is a no-op. */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    const parts = [this.label, `${this.amount(this.count)} in ${this.elapsedSeconds.toFixed(1)} s`, this.rate()];
    this.sink(parts.filter((p) => p !== '').join('  '), true);
  }

  /** The current status line: label, count/total (percent), rate, ETA. */
  line(): string {
    const parts = [this.label];
    if (this.total === undefined) {
      parts.push(this.amount(this.count));
    } else {
      const pct = this.total > 0 ? Math.floor((100 * this.count) / this.total) : 100;
      parts.push(`${this.amount(this.count, false)}/${this.amount(this.total)} (${pct}%)`);
    }
    parts.push(this.rate());
    const eta = this.etaSeconds;
    if (eta !== undefined) parts.push(`ETA ${durationClock(eta)}`);
    return parts.filter((p) => p !== '').join('  ');
  }

  private rate(): string {
    const rate = this.ratePerSecond;
    return this.unit === 'bytes' ? `${(rate / 1e6).toFixed(1)} MB/s` : `${Math.round(rate)} ${this.unit}/s`;
  }

  private amount(n: number, withUnit = true): string {
    if (this.unit === 'bytes') return `${(n / 1e6).toFixed(1)}${withUnit ? ' MB' : ''}`;
    return withUnit ? `${n} ${this.unit}` : `${n}`;
  }
}

/** `m:ss` (or `h:mm:ss`) for a duration in seconds. */
export function durationClock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** An output of a notebook that a later call rewrites in place: what tslab's `newDisplay()` returns. */
export interface UpdatableDisplay {
  text(text: string): void;
}

/** Least time between two lines of `notebookProgress`: each is one message to the notebook's page. */
export const NOTEBOOK_PROGRESS_INTERVAL_MS = 500;

/**
 * A sink for notebook cells: each loop's lines go to one output of their own (from `newDisplay`), each line
 * replacing the last, so that the output area holds one progress line per loop (per epoch of training) and
 * ends with its final line. `lib/` never imports tslab: the notebook passes `tslab.newDisplay`. Loops that
 * share the sink must run one after another.
 */
export function notebookProgress(newDisplay: () => UpdatableDisplay): ProgressSink {
  let display: UpdatableDisplay | null = null;
  const sink = (line: string, final: boolean) => {
    display ??= newDisplay();
    display.text(line);
    if (final) display = null; // the next loop starts a line of its own
  };
  return Object.assign(sink, { intervalMs: NOTEBOOK_PROGRESS_INTERVAL_MS });
}

function stderrInPlace(line: string, final: boolean): void {
  process.stderr.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
}

/** Where a status line goes by default: rewritten in place on a terminal, one line each in a log. */
export function stderrStatus(): ProgressSink {
  return process.stderr.isTTY === true ? stderrInPlace : stderrLines;
}

/** A message on stderr that does not run into a status line being rewritten in place on a terminal. */
export function stderrMessage(line: string): void {
  process.stderr.write(process.stderr.isTTY === true ? `\r\x1b[K${line}\n` : `${line}\n`);
}

function stderrLines(line: string): void {
  process.stderr.write(`${line}\n`);
}
