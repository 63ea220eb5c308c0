// A real redis-server for one test file: on a free loopback port, without persistence (--save '' --appendonly
// no); `startRedis()`, called at the file's top level, starts it before the first test and stops it after the
// last, even when a test fails. `restart()` stops it and starts it again on the
// same port (after `whileDown`, when given): an empty Redis, as a server without persistence comes back.
import { after, before } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export class RedisServer {
  private proc: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    for (let attempt = 0; ; attempt++) {
      const server = new RedisServer(await freePort());
      try {
        await server.launch();
        return server;
      } catch (err) {
        if (attempt >= 3) throw err; // the port was taken between the probe and the launch, three times
      }
    }
  }

  private launch(): Promise<void> {
    const proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.proc = proc;
    return new Promise((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      proc.on('error', reject);
      proc.on('exit', (code) => reject(new Error(`redis-server on port ${this.port} exited (${code}): ${out}`)));
    });
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }

  async restart(whileDown?: () => Promise<void>): Promise<void> {
    await this.stop();
    await whileDown?.();
    await this.launch();
  }
}

/** Registers the file's server: started in a top-level `before`, stopped in a top-level `after`. */
export function startRedis(): { server: RedisServer } {
  const handle = {} as { server: RedisServer };
  before(async () => {
    handle.server = await RedisServer.start();
  });
  after(() => handle.server?.stop());
  return handle;
}
