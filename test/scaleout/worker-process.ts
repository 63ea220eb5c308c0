// A `spikesplit worker` child process whose stderr is kept, killed in the file's `after` if still running.
import { after } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

export const CLI = path.resolve(__dirname, '..', '..', 'scripts', 'cli.js');

export class WorkerProcess {
  readonly proc: ChildProcess;
  log = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  // A short lock, so that a killed worker's row moves on within seconds; long enough that a worker starved of
  // CPU by a loaded machine still renews it in time.
  constructor(url: string, store: string, lockSeconds = 8) {
    this.proc = spawn(
      process.execPath,
      [CLI, 'worker', '--queue', url, '--store', store, '--lock-seconds', String(lockSeconds)],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.proc.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    this.exited = new Promise((resolve) => this.proc.once('close', (code, signal) => resolve({ code, signal }))); // after its stderr has ended
    after(() => {
      if (this.alive) this.proc.kill('SIGKILL');
    });
  }

  /** How the worker names itself in its lines and in a job's return value. */
  get id(): string {
    return `${os.hostname()}:${this.proc.pid}`;
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Whether this worker has started job `jobId` and not yet finished it. */
  running(jobId: string): boolean {
    return this.log.includes(`job ${jobId}: started`) && !this.log.includes(`job ${jobId}: finished`);
  }

  /** Resolves once the worker has printed `text`. */
  async waitFor(text: string): Promise<void> {
    while (!this.log.includes(text)) {
      if (!this.alive) throw new Error(`worker exited before printing '${text}':\n${this.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
