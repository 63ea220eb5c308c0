/**
 * `spikesplit serve` as a child process, for the bench, the testbed experiment and the tests: started with the
 * given options (port 0: the OS picks), ready once it prints its URL; `stop()` sends SIGTERM (a graceful
 * shutdown) and resolves with everything it printed. It stops itself after `forS` seconds if not told sooner.
 * The token goes through the environment ($SPIKESPLIT_TOKEN), never the command line, which `ps` shows.
 * `prefix` runs it under another command that execs it (e.g. `ip netns exec NAME`), so `pid` is still its own.
 */
import * as path from 'path';
import { startReadyChild } from '../util/child-process';

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

export async function startServeProcess(
  options: string[],
  { token, forS = 300, readyTimeoutMs = 30_000, prefix = [] }: ServeProcessOptions = {},
): Promise<ServeProcess> {
  const argv = [...prefix, process.execPath, CLI_PATH, 'serve', '--port', '0', '--for-s', String(forS), ...options];
  const env = token === undefined ? process.env : { ...process.env, SPIKESPLIT_TOKEN: token };
  const child = await startReadyChild(argv, {
    ready: /\bat (wss?:\/\/\S+)\s/,
    name: 'spikesplit serve',
    expected: 'its URL',
    readyTimeoutMs,
    env,
  });
  return { url: child.ready[1], pid: child.pid, output: child.output, stop: child.stop };
}
