/** Runs node (under `prefix`, e.g. `ip netns exec NS`) with `args` and collects its output; killed after 60 s. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** The compiled command line. */
export const CLI = path.resolve(__dirname, '..', '..', 'scripts', 'cli.js');

export function runNode(
  args: string[],
  { prefix = [], env = {} }: { prefix?: string[]; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const argv = [...prefix, process.execPath, ...args];
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
