/**
 * A long-running child process (a server) started and waited for: its stdout and stderr are collected, and it is
 * ready once what it printed matches `ready`. Used by `spikesplit serve` as a child (coinfer/serve-process.ts)
 * and by the notebook server (scripts/notebook-runner/server.ts).
 */
import { spawn } from 'child_process';

export interface ReadyChild {
  readonly pid: number;
  /** The match of `ready` in what it printed. */
  readonly ready: RegExpExecArray;
  /** What it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Sends SIGTERM unless it has exited, and resolves with everything it printed once it has. */
  stop(): Promise<string>;
}

export interface ReadyChildOptions {
  /** What it prints once it serves (searched in stdout and stderr together). */
  ready: RegExp;
  /** Names it and what `ready` stands for in errors: "spikesplit serve", "its URL". */
  name: string;
  expected: string;
  readyTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** Starts `argv`; rejects (stopping it) if it exits before printing `ready` or does not print it in time. */
export function startReadyChild(
  argv: readonly string[],
  { ready, name, expected, readyTimeoutMs, env = process.env }: ReadyChildOptions,
): Promise<ReadyChild> {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    return out;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${name} did not print ${expected} within ${readyTimeoutMs} ms; its output:\n${out}`));
    }, readyTimeoutMs);
    let settled = false;
    const onData = (d: Buffer) => {
      out += d;
      const match = settled ? null : ready.exec(out);
      if (!match) return;
      settled = true;
      clearTimeout(timer);
      resolve({ pid: child.pid!, ready: match, output: () => out, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${signal ?? code}) before printing ${expected}; its output:\n${out}`));
    });
  });
}
