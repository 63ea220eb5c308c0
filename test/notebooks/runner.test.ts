import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canInstallJupyter, hasJupyter, installCommands, ROOT } from '../../scripts/notebook-runner/jupyter';

const RUNNER = path.join(ROOT, 'dist', 'scripts', 'run-notebooks.js');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'notebooks');
const skip =
  !hasJupyter() && !canInstallJupyter()
    ? `Jupyter is missing for /usr/bin/python3 and only root can install it; run: ${installCommands().join(' && ')}`
    : false;

let outDir = '';
before(() => (outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-runner-'))));
after(() => fs.rmSync(outDir, { recursive: true, force: true }));

/** One output of an executed cell, as nbformat stores it. */
interface Output {
  output_type: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}

/** Runs the runner on one fixture; returns its exit status, its output, and the executed copy's cells. */
function runFixture(name: string, args: string[] = [], preset = 'tiny') {
  const run = spawnSync(process.execPath, [RUNNER, '--out-dir', outDir, ...args, path.join(FIXTURES, name)], {
    encoding: 'utf8',
    env: { ...process.env, SPIKESPLIT_PRESET: preset },
  });
  const executed = JSON.parse(fs.readFileSync(path.join(outDir, name), 'utf8')) as { cells: { outputs?: Output[] }[] };
  const outputs = (cell: number) => executed.cells[cell - 1].outputs ?? [];
  const text = (cell: number) =>
    outputs(cell)
      .map((o) => [o.text ?? ''].flat().join(''))
      .join('');
  return { status: run.status, output: run.stdout + run.stderr, text, outputs };
}

test(
  'a notebook that passes: the preset and the preload reach the kernel, the executed copy keeps the output',
  { skip },
  () => {
    const { status, output, text } = runFixture('prints-preset.ipynb', [], 'cpu');
    assert.equal(status, 0, output);
    assert.match(output, /^start prints-preset\.ipynb \(preset cpu\)$/m);
    assert.match(output, /^ok +prints-preset\.ipynb +\d+\.\d s/m);
    assert.equal(text(2), 'preset=cpu\nsends wait for binds: true\n');
  },
);

test(
  "progress in a headless run: each loop's display output holds its final line, not a line per update",
  { skip },
  () => {
    const { status, output, outputs } = runFixture('progress.ipynb');
    assert.equal(status, 0, output);
    const cell = outputs(2);
    assert.deepEqual(
      cell.map((o) => o.output_type),
      ['display_data', 'display_data'],
      JSON.stringify(cell),
    );
    const lines = cell.map((o) => [o.data?.['text/plain'] ?? ''].flat().join(''));
    lines.forEach((line, i) =>
      assert.match(line, new RegExp(`^loop ${i + 1}  6 items in \\d+\\.\\d s  \\d+ items/s$`)),
    );
  },
);

test('a cell that throws fails the notebook with its name, the cell number and the error', { skip }, () => {
  const { status, output, text } = runFixture('fails-in-cell-3.ipynb');
  assert.equal(status, 1, output);
  assert.match(output, /FAIL +fails-in-cell-3\.ipynb .*cell 3 of 4 failed/);
  assert.match(output, /Error: deliberate failure, answer 42/);
  assert.equal(text(4), '', 'cells after the failure do not run');
});

test('an unawaited promise that rejects fails the notebook at its cell', { skip }, () => {
  const { status, output, text } = runFixture('unawaited-rejection.ipynb');
  assert.equal(status, 1, output);
  assert.match(output, /FAIL +unawaited-rejection\.ipynb .*cell 3 of 4 failed/);
  assert.match(output, /unhandled promise rejection: Error: deliberate unawaited rejection/);
  assert.equal(text(3), 'cell 3 finished\n', 'the cell itself ran to its end');
});

test('a promise that rejects after the last cell has finished fails the notebook', { skip }, () => {
  const { status, output } = runFixture('late-rejection.ipynb');
  assert.equal(status, 1, output);
  assert.match(
    output,
    /FAIL +late-rejection\.ipynb .*cell 2 of 2 failed:\s+after the last cell: unhandled promise rejection: Error: deliberate late rejection/,
  );
});

test('a cell past --cell-timeout fails the notebook', { skip }, () => {
  const { status, output } = runFixture('slow-cell.ipynb', ['--cell-timeout', '2']);
  assert.equal(status, 1, output);
  assert.match(output, /FAIL +slow-cell\.ipynb .*cell 2 of 2 failed:\s+ran past the cell time limit of 2 s/);
});

test('bad options and unknown notebooks are errors that say what was expected', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [RUNNER, ...args], { encoding: 'utf8' });
  assert.match(
    run('--cell-timeout', 'soon').stderr,
    /--cell-timeout must be a whole number of seconds above 0; got 'soon'/,
  );
  assert.match(run('--fast').stderr, /unknown option '--fast'/);
  assert.match(
    run('no-such-notebook').stderr,
    /'no-such-notebook' names no notebook; expected a path to an \.ipynb file or one of: 00-setup\.ipynb/,
  );
  const badPreset = spawnSync(process.execPath, [RUNNER], {
    encoding: 'utf8',
    env: { ...process.env, SPIKESPLIT_PRESET: 'huge' },
  });
  assert.equal(badPreset.status, 2);
  assert.match(badPreset.stderr, /SPIKESPLIT_PRESET must be one of tiny, cpu, paper; got 'huge'/);
});
