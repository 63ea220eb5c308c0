/**
 * `spikesplit serve` as a child process on loopback, for the bench and the testbed experiment: started with the
 * given options (port 0: the OS picks), ready once it prints its URL; `stop()` sends SIGTERM (a graceful
 * shutdown) and resolves with everything it printed. It stops itself after `forS` seconds if not told sooner.
 */
import { spawn } from 'child_process';
import * as path from 'path';

export interface ServeProcess {
  /** `ws://127.0.0.1:<port>`. */
  readonly url: string;
  /** What it printed so far. */
  output(): string;
  stop(): Promise<string>;
}

/** The compiled command line (dist/scripts/cli.js), seen from dist/lib/coinfer. */
const CLI = path.resolve(__dirname, '..', '..', 'scripts', 'cli.js');

export function startServeProcess(options: string[], { forS = 300, readyTimeoutMs = 30_000 }: { forS?: number; readyTimeoutMs?: number } = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--for-s', String(forS), ...options], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    return out;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`spikesplit serve did not print its URL within ${readyTimeoutMs} ms; output:\n${out}`));
    }, readyTimeoutMs);
    const onData = () => {
      const url = /ws:\/\/127\.0\.0\.1:\d+/.exec(out)?.[0];
      if (url === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({ url, output: () => out, stop });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`spikesplit serve exited (${code}) before serving; output:\n${out}`));
    });
  });
}
