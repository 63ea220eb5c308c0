/**
 * `npm run test:notebooks [-- options] [notebook ...]`: executes notebooks headlessly with the tslab kernel, in
 * name order, at the preset named by SPIKESPLIT_PRESET (tiny, cpu or paper; tiny by default), and keeps the
 * executed copies with their outputs. Installs Jupyter (as root) and registers the kernel when needed.
 * Exits non-zero when any notebook fails, naming the notebook, the cell and the error; an unawaited promise
 * that rejects fails its notebook too (see notebook-runner/kernel-guard.ts).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PRESET_NAMES, readJsonArtefactIfPresent } from 'spikesplit';
import {
  ensureJupyter,
  ensureTslabKernel,
  PYTHON,
  ROOT,
  SEND_AFTER_BIND,
  withPreloads,
} from './notebook-runner/jupyter';

const NOTEBOOKS_DIR = path.join(ROOT, 'notebooks');
const EXECUTE_PY = path.join(ROOT, 'scripts', 'notebook-runner', 'execute.py');
const KERNEL_GUARD = path.join(__dirname, 'notebook-runner', 'kernel-guard.js');

const USAGE = `usage: node dist/scripts/run-notebooks.js [options] [notebook ...]
  notebook             a path to an .ipynb file, or a name in notebooks/ ('00', '00-setup', '00-setup.ipynb');
                       all notebooks/NN-*.ipynb when none is given
  --cell-timeout <s>   time limit of one cell in seconds (default 600)
  --out-dir <dir>      where the executed copies go (default notebooks/executed/<preset>)
environment: SPIKESPLIT_PRESET=tiny|cpu|paper (default tiny), passed on to the kernel`;

interface Options {
  cellTimeoutS: number;
  outDir: string | null;
  notebooks: string[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { cellTimeoutS: 600, outDir: null, notebooks: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value\n${USAGE}`);
      return argv[++i];
    };
    if (arg === '--cell-timeout') {
      const text = value();
      options.cellTimeoutS = Number(text);
      if (!Number.isInteger(options.cellTimeoutS) || options.cellTimeoutS <= 0) {
        throw new Error(`--cell-timeout must be a whole number of seconds above 0; got '${text}'`);
      }
    } else if (arg === '--out-dir') {
      options.outDir = path.resolve(value());
    } else if (arg.startsWith('-')) {
      throw new Error(`unknown option '${arg}'\n${USAGE}`);
    } else {
      options.notebooks.push(arg);
    }
  }
  return options;
}

/** The notebooks to run: the ones named (paths or names in notebooks/), else every notebooks/NN-*.ipynb. */
function resolveNotebooks(names: string[]): string[] {
  const numbered = fs
    .readdirSync(NOTEBOOKS_DIR)
    .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
    .sort();
  if (names.length === 0) return numbered.map((f) => path.join(NOTEBOOKS_DIR, f));
  return names.map((name) => {
    if (name.endsWith('.ipynb') && fs.existsSync(name)) return path.resolve(name);
    const matches = numbered.filter((f) => f === name || f === `${name}.ipynb` || f.startsWith(`${name}-`));
    if (matches.length !== 1) {
      throw new Error(
        `'${name}' names ${matches.length === 0 ? 'no' : 'more than one'} notebook; expected a path to an .ipynb file or one of: ${numbered.join(', ')}`,
      );
    }
    return path.join(NOTEBOOKS_DIR, matches[0]);
  });
}

interface Outcome {
  ok: boolean;
  seconds: number;
  /** For a failure: where and what. */
  failure?: string;
}

function runNotebook(file: string, executedCopy: string, preset: string, cellTimeoutS: number): Outcome {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-notebook-'));
  const errorsFile = path.join(work, 'kernel-errors.jsonl');
  const resultFile = path.join(work, 'result.json');
  fs.writeFileSync(errorsFile, '');
  const start = process.hrtime.bigint();
  try {
    const run = spawnSync(PYTHON, [EXECUTE_PY, file, executedCopy, String(cellTimeoutS), errorsFile, resultFile], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      env: {
        ...process.env,
        SPIKESPLIT_PRESET: preset,
        SPIKESPLIT_KERNEL_ERRORS: errorsFile,
        NODE_OPTIONS: withPreloads(process.env.NODE_OPTIONS, [SEND_AFTER_BIND, KERNEL_GUARD]),
      },
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const result = readJsonArtefactIfPresent<{ ok: boolean; cell?: number; cells?: number; error?: string }>(
      resultFile,
      `the notebook runner (${EXECUTE_PY}) wrote it incompletely`,
    );
    if (result === null) {
      const log = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
      return {
        ok: false,
        seconds,
        failure: `the notebook runner (${EXECUTE_PY}) stopped with status ${run.status ?? run.signal}:\n${log}`,
      };
    }
    if (result.ok) return { ok: true, seconds };
    return { ok: false, seconds, failure: `cell ${result.cell} of ${result.cells} failed:\n${result.error}` };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function main(): number {
  const options = parseArgs(process.argv.slice(2));
  const preset = process.env.SPIKESPLIT_PRESET ?? 'tiny';
  if (!(PRESET_NAMES as readonly string[]).includes(preset))
    throw new Error(`SPIKESPLIT_PRESET must be one of ${PRESET_NAMES.join(', ')}; got '${preset}'`);
  const notebooks = resolveNotebooks(options.notebooks);
  if (notebooks.length === 0) throw new Error(`no notebooks to run: ${NOTEBOOKS_DIR} holds no NN-*.ipynb`);
  const log = (line: string) => console.log(line);
  ensureJupyter(log);
  ensureTslabKernel(log);
  const outDir = options.outDir ?? path.join(NOTEBOOKS_DIR, 'executed', preset);
  const failed: string[] = [];
  for (const file of notebooks) {
    const name = path.basename(file);
    const executedCopy = path.join(outDir, name);
    console.log(`start ${name} (preset ${preset})`);
    const outcome = runNotebook(file, executedCopy, preset, options.cellTimeoutS);
    const time = `${outcome.seconds.toFixed(1)} s`;
    if (outcome.ok) {
      console.log(`ok    ${name}  ${time}  -> ${path.relative(process.cwd(), executedCopy)}`);
    } else {
      failed.push(name);
      console.log(`FAIL  ${name}  ${time}  ${outcome.failure!.replace(/\n/g, '\n      ')}`);
    }
  }
  if (failed.length > 0) {
    console.log(
      `${failed.length} of ${notebooks.length} notebooks failed: ${failed.join(', ')} (executed copies in ${outDir})`,
    );
    return 1;
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
}
