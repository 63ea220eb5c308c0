/**
 * `npm run notebooks [-- --port <n>] [--token <t>]`: opens the workbench. Installs Jupyter (as root) when it is
 * missing, registers the tslab kernel, starts the notebook server on 127.0.0.1 with a token, serving
 * `notebooks/`, and prints the URL to open. Runs until Ctrl-C (or SIGTERM), then shuts the server down.
 * The notebooks read SPIKESPLIT_PRESET (default cpu), which the kernels inherit from here.
 */
import { ensureJupyter, ensureTslabKernel } from './notebook-runner/jupyter';
import { startNotebookServer } from './notebook-runner/server';

const USAGE = `usage: npm run notebooks [-- options]
  --port <n>    TCP port on 127.0.0.1 (default 8888, the next free one if taken; 0: any free port)
  --token <t>   the token the URL carries (default: a random one)
environment: SPIKESPLIT_PRESET=tiny|cpu|paper (the notebooks' default is cpu), passed on to the kernels`;

function parseArgs(argv: string[]): { port: number; token?: string } {
  let port = 8888;
  let token: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (i + 1 >= argv.length || !['--port', '--token'].includes(arg))
      throw new Error(`unknown option or missing value: '${arg}'\n${USAGE}`);
    const value = argv[++i];
    if (arg === '--token') {
      token = value;
    } else {
      port = Number(value);
      if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
        throw new Error(`--port must be a whole number in 0..65535; got '${value}'`);
    }
  }
  return { port, token };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const log = (line: string) => console.log(line);
  ensureJupyter(log);
  ensureTslabKernel(log);
  const server = await startNotebookServer(options);
  console.log(
    `spikesplit notebooks: the Jupyter Notebook server is running (kernel: tslab, preset: ${process.env.SPIKESPLIT_PRESET ?? 'cpu'})`,
  );
  console.log(`open ${server.url}`);
  console.log('start with 00-setup.ipynb; Ctrl-C stops the server');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('stopping the notebook server');
  await server.stop();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
});
