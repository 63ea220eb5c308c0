/**
 * The interactive notebook server: Debian's classic Jupyter Notebook (python3-notebook, 6.4) under
 * /usr/bin/python3, on 127.0.0.1 only, with a token, serving `notebooks/`. Ready once its log names the URL it
 * listens on; `stop()` sends SIGTERM (the server shuts its kernels down) and waits for it to exit.
 */
import { randomBytes } from 'crypto';
import * as net from 'net';
import * as path from 'path';
import { startReadyChild } from 'spikesplit';
import { PYTHON, ROOT, SEND_AFTER_BIND, withPreloads } from './jupyter';

export interface NotebookServerOptions {
  /** TCP port on 127.0.0.1; 0: a free one is picked. */
  port: number;
  /** Every request must carry it; default: 24 random bytes in hex. */
  token?: string;
  /** Served folder; default `notebooks/` of this checkout. */
  notebookDir?: string;
  /** The server's (and its kernels') environment, default this process's; the kernels preload send-after-bind.ts too. */
  env?: NodeJS.ProcessEnv;
  /** Give up when the server has not said where it listens after this long; default 60 s. */
  readyTimeoutMs?: number;
}

export interface NotebookServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly baseUrl: string;
  readonly token: string;
  /** The file browser, token included: what a person opens. */
  readonly url: string;
  /** What the server logged so far. */
  log(): string;
  stop(): Promise<void>;
}

/** A TCP port nobody listens on at this moment (the OS's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function startNotebookServer(options: NotebookServerOptions): Promise<NotebookServer> {
  const token = options.token ?? randomBytes(24).toString('hex');
  if (!/^[\w-]+$/.test(token))
    throw new Error(`the notebook token must be letters, digits, '-' or '_'; got '${token}'`);
  const port = options.port === 0 ? await freePort() : options.port;
  const notebookDir = options.notebookDir ?? path.join(ROOT, 'notebooks');
  const args = [
    '-m',
    'notebook',
    '--no-browser',
    '--ip=127.0.0.1',
    `--port=${port}`,
    `--notebook-dir=${notebookDir}`,
    `--NotebookApp.token=${token}`,
    '--NotebookApp.password=',
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
  ];
  const env = options.env ?? process.env;
  // it moves to the next port when this one is taken, so the port is read from its log
  const child = await startReadyChild([PYTHON, ...args], {
    ready: /http:\/\/127\.0\.0\.1:(\d+)\//,
    name: `the notebook server (${PYTHON} -m notebook)`,
    expected: 'where it listens',
    readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
    env: { ...env, NODE_OPTIONS: withPreloads(env.NODE_OPTIONS, [SEND_AFTER_BIND]) },
  });
  const listening = Number(child.ready[1]);
  const baseUrl = `http://127.0.0.1:${listening}`;
  return {
    baseUrl,
    token,
    url: `${baseUrl}/tree?token=${token}`,
    log: child.output,
    stop: async () => void (await child.stop()),
  };
}
