/**
 * Jupyter for headless notebook runs: Debian's nbclient under /usr/bin/python3 (the `python3` first on PATH may
 * be another interpreter without it) and the tslab kernel registered to start this checkout's tslab.
 */
import { spawnSync, type SpawnSyncOptions } from 'child_process';
import * as path from 'path';

export const PYTHON = '/usr/bin/python3';
export const DEBIAN_PACKAGES = [
  'python3-nbconvert',
  'python3-nbclient',
  'jupyter-client',
  'python3-ipython',
  'python3-notebook',
];
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const TSLAB = path.join(ROOT, 'node_modules', '.bin', 'tslab');
/** Preloaded into every tslab kernel the runner or the server starts: see send-after-bind.ts. */
export const SEND_AFTER_BIND = path.join(__dirname, 'send-after-bind.js');

/** `nodeOptions` (NODE_OPTIONS, maybe unset) with each of `files` preloaded (`--require`) as well. */
export function withPreloads(nodeOptions: string | undefined, files: string[]): string {
  return [nodeOptions ?? '', ...files.map((file) => `--require ${JSON.stringify(file)}`)].join(' ').trim();
}

function run(command: string, args: string[], options: Omit<SpawnSyncOptions, 'encoding'> = {}) {
  return spawnSync(command, args, { ...options, encoding: 'utf8' });
}

/** Whether /usr/bin/python3 can import nbclient and nbformat (headless runs) and notebook (the server). */
export function hasJupyter(): boolean {
  return run(PYTHON, ['-c', 'import nbclient, nbformat, notebook']).status === 0;
}

/** Whether `ensureJupyter` can install what is missing (it runs apt-get, which needs root). */
export function canInstallJupyter(): boolean {
  return process.getuid?.() === 0;
}

export function installCommands(): string[] {
  return ['apt-get update', `apt-get install -y ${DEBIAN_PACKAGES.join(' ')}`];
}

/** Installs the Debian packages when nbclient is missing (as root), else throws with the commands to run. */
export function ensureJupyter(log: (line: string) => void): void {
  if (hasJupyter()) return;
  if (!canInstallJupyter()) {
    throw new Error(
      `${PYTHON} cannot import nbclient, nbformat and notebook, and installing them needs root. Run:\n` +
        installCommands()
          .map((c) => `  sudo ${c}`)
          .join('\n'),
    );
  }
  for (const command of installCommands()) {
    log(`installing Jupyter: ${command}`);
    const [bin, ...args] = command.split(' ');
    const result = run(bin, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) throw new Error(`'${command}' failed (exit status ${result.status ?? result.signal})`);
  }
  if (!hasJupyter())
    throw new Error(
      `installed ${DEBIAN_PACKAGES.join(' ')}, but ${PYTHON} still cannot import nbclient, nbformat and notebook`,
    );
}

/** The command the registered tslab kernel starts, or null when there is none. */
function registeredTslab(): string | null {
  const result = run(PYTHON, ['-m', 'jupyter', 'kernelspec', 'list', '--json']);
  if (result.status !== 0) throw new Error(`'${PYTHON} -m jupyter kernelspec list' failed: ${result.stderr}`);
  const specs = JSON.parse(result.stdout) as { kernelspecs: Record<string, { spec: { argv: string[] } }> };
  return specs.kernelspecs.tslab?.spec.argv[0] ?? null;
}

/** Registers the tslab kernel with this checkout's tslab, unless it already is. */
export function ensureTslabKernel(log: (line: string) => void): void {
  if (registeredTslab() === TSLAB) return;
  log(`registering the tslab kernel: ${TSLAB}`);
  const result = run(TSLAB, ['install', `--python=${PYTHON}`, `--binary=${TSLAB}`]);
  if (result.status !== 0) throw new Error(`'tslab install' failed:\n${result.stdout}${result.stderr}`);
  if (registeredTslab() !== TSLAB) throw new Error(`'tslab install' ran, but the tslab kernel does not start ${TSLAB}`);
}
