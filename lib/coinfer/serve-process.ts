/**
 * `spikesplit serve` as a child process, for the bench, the testbed experiment and the tests: started with the
 * given options (port 0: the OS picks), ready once it prints its URL; `stop()` sends SIGTERM (a graceful
 * shutdown) and resolves with everything it printed. It stops itself after `forS` seconds if not told sooner.
 * The token goes through the environment ($SPIKESPLIT_TOKEN), never the command line, which `ps` shows.
 * `prefix` runs it under another command that execs it (e.g. `ip netns exec NAME`), so `pid` is still its own.
 */
import { spawn } from 'child_process';
import * as path from 'path';

export interface ServeProcess {
  /** `ws://127.0.0.1:<port>`, or `wss://<host>:<port>` with TLS. */
  readonly url: string;
  readonly pid: number;
  /** What it printed so far. */
  output(): string;
  stop(): Promise<string>;
}

export interface ServeProcessOptions {
  /** The shared secret, passed as $SPIKESPLIT_TOKEN. */
  token?: string;
  forS?: number;
  readyTimeoutMs?: number;
  prefix?: string[];
}

/** The compiled command line (dist/scripts/cli.js), seen from dist/lib/coinfer. */
const CLI_PATH = path.resolve(__dirname, '..', '..', 'scripts', 'cli.js');

export function startServeProcess(options: string[], { token, forS = 300, readyTimeoutMs = 30_000, prefix = [] }: ServeProcessOptions = {}): Promise<ServeProcess> {
  const argv = [...prefix, process.execPath, CLI_PATH, 'serve', '--port', '0', '--for-s', String(forS), ...options];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: token === undefined ? process.env : { ...process.env, SPIKESPLIT_TOKEN: token } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    return out;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`spikesplit serve did not print its URL within ${readyTimeoutMs} ms; output:\n${out}`));
    }, readyTimeoutMs);
    const onData = () => {
      const url = /\bat (wss?:\/\/\S+)/.exec(out)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({ url, pid: child.pid!, output: () => out, stop });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`spikesplit serve exited (${code}) before serving; output:\n${out}`));
    });
  });
}
