// Published results (lib/experiments/published.ts) at the tiny preset, in a temporary runs folder and a
// temporary published folder: a finished run is copied whole with its provenance, the readers open the copy
// while runs/<preset>/ has no result of its own and only then, a publication replaces the copy whole or not at
// all, and what runs experiments never takes the copy for its own work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  backboneWeights,
  collectResults,
  createModel,
  getPreset,
  hasOwnResults,
  linkErrorsFile,
  loadBackbone,
  neucodexResultsFile,
  publishedDir,
  publishedNote,
  publishedRun,
  presetCaveat,
  publishRun,
  readableRunFile,
  readBackboneSummary,
  readLinkErrors,
  readNeucodex,
  readResults,
  readTestbed,
  resultsFile,
  runLinkErrors,
  runsDir,
  saveWeights,
  testbedFile,
  backboneSummaryFile,
  setPublishedRoot,
} from 'spikesplit';
import { useTempRunsDir } from './temp-runs';

const preset = getPreset('tiny');
const runsRoot = useTempRunsDir('spikesplit-published-runs-');
const publishedRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-published-'));
const figuresDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-published-figures-'));
setPublishedRoot(publishedRoot);
const CLI = path.resolve(__dirname, '..', '..', 'scripts', 'cli.js');

const writeJson = (file: string, value: unknown) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
};

/** A finished tiny run's result files (in their current formats) and real trained-shape weights; returns what was written. */
function writeRun(mark: string) {
  const summary = {
    preset: 'tiny',
    backend: 'wasm',
    gitRevision: mark,
    accuracyByT: { 2: 0.1 },
    correctByT: {},
    history: [],
  };
  const files = {
    results: { preset: 'tiny', mark, backbone: summary, backboneAccuracy: {}, rows: [], selection: [], missing: [] },
    neucodex: { preset: 'tiny', mark, backbones: [], rows: [], missing: [] },
    linkErrors: { preset: 'tiny', mark, splits: [] },
    testbed: { preset: 'tiny', mark, rows: [], earlyExit: { candidates: [] } },
  };
  writeJson(backboneSummaryFile('tiny'), summary);
  writeJson(resultsFile('tiny'), files.results);
  writeJson(neucodexResultsFile('tiny'), files.neucodex);
  writeJson(linkErrorsFile('tiny'), files.linkErrors);
  writeJson(testbedFile('tiny'), files.testbed);
  const model = createModel(preset.model.name, { width: preset.model.width, T: 2, classes: 10, seed: 7 });
  saveWeights(model, backboneWeights('tiny'));
  const weights = model.namedVariables().map((v) => Array.from(v.variable.dataSync()));
  model.dispose();
  return { files, weights };
}

const publish = () =>
  publishRun('tiny', {
    steps: [{ label: 'experiments', seconds: 12.5 }],
    runStarted: new Date(Date.now() - 60_000),
    loadAverageAtStart: [1, 2, 3],
    figuresDir,
  });

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
let first: ReturnType<typeof writeRun>;

test('with neither a run nor a published copy, the readers find nothing; a run without results cannot be published', () => {
  assert.equal(readResults('tiny'), null);
  assert.equal(readTestbed('tiny'), null);
  assert.equal(publishedRun('tiny'), null);
  assert.equal(readableRunFile('tiny', resultsFile('tiny')), resultsFile('tiny'));
  assert.throws(
    () => publish(),
    /cannot publish preset 'tiny': .* lacks results\.json, neucodex\.json, .*backbone\/weights\.bin/,
  );
  assert.ok(!fs.existsSync(publishedDir('tiny')));
});

test('publishRun copies the results and the backbone weights, and records commit, preset, dates, machine, wall times and hashes', () => {
  first = writeRun('first');
  fs.writeFileSync(path.join(figuresDir, '02-backbone-loss.png'), 'png bytes');
  fs.writeFileSync(path.join(figuresDir, '02-backbone-loss.svg'), '<svg/>');
  const run = publish();
  const dir = publishedDir('tiny');
  assert.equal(dir, path.join(publishedRoot, 'tiny'));
  const listed = (d: string): string[] =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? listed(path.join(d, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
  assert.deepEqual(listed(dir).sort(), [
    'backbone/weights.bin',
    'backbone/weights.json',
    'link-errors.json',
    'neucodex.json',
    'published.json',
    'results.json',
    'testbed.json',
  ]);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'published.json'), 'utf8')), run);
  assert.equal(run.preset, 'tiny');
  assert.equal(run.gitRevision, 'first', "the run's own revision (its backbone summary's), not this checkout's");
  assert.equal(run.backend, 'wasm'); // the backbone summary's
  assert.deepEqual(run.steps, [{ label: 'experiments', seconds: 12.5 }]);
  assert.ok(run.wallSeconds >= 60 && run.wallSeconds < 120, `wall ${run.wallSeconds} s`);
  assert.equal(run.machine.cpus, os.cpus().length);
  assert.deepEqual(run.machine.loadAverageAtStart, [1, 2, 3]);
  assert.ok(Date.parse(run.published) >= Date.parse(run.runStarted));
  for (const f of run.files) {
    assert.equal(f.sha256, sha256(path.join(dir, f.path)), f.path);
    assert.equal(f.sha256, sha256(path.join(runsDir('tiny'), f.path)), `${f.path} is the run's`);
  }
  assert.deepEqual(
    run.figures.files.map((f) => [f.path, f.bytes]),
    [
      ['02-backbone-loss.png', 9],
      ['02-backbone-loss.svg', 6],
    ],
  );
  assert.deepEqual(
    fs.readdirSync(publishedRoot).filter((n) => n !== 'tiny'),
    [],
    'no staging folder is left',
  );
});

test('while runs/tiny has no result of its own, every reader opens the published copy, and only then', () => {
  fs.rmSync(runsDir('tiny'), { recursive: true });
  fs.mkdirSync(path.join(runsDir('tiny'), 'backbone'), { recursive: true }); // a run started: no result yet
  fs.writeFileSync(path.join(runsDir('tiny'), 'backbone', 'checkpoint.json'), '{}');
  assert.equal(hasOwnResults('tiny'), false);
  assert.equal((readResults('tiny') as unknown as { mark: string }).mark, 'first');
  assert.deepEqual(readResults('tiny'), first.files.results as unknown);
  assert.deepEqual(readNeucodex('tiny'), first.files.neucodex as unknown);
  assert.deepEqual(readLinkErrors('tiny'), first.files.linkErrors as unknown);
  assert.deepEqual(readTestbed('tiny'), first.files.testbed as unknown);
  const model = loadBackbone(preset, 10, 2);
  assert.deepEqual(
    model.namedVariables().map((v) => Array.from(v.variable.dataSync())),
    first.weights,
  );
  model.dispose();
  assert.equal(publishedRun('tiny')?.gitRevision, 'first');
  assert.match(publishedNote('tiny')!, /^Showing the published tiny run .*revision first,/);
  assert.match(presetCaveat(preset)!, /at chance.*\. Showing the published tiny run/, "the notebooks' caveat says so");
  // What runs experiments reads its own folder only.
  assert.equal(readBackboneSummary(preset), null);
});

test('the command line reads the published weights: spikesplit eval on a clone whose runs folder is empty', () => {
  const r = spawnSync(process.execPath, [CLI, 'eval', '--preset', 'tiny', '--json'], {
    encoding: 'utf8',
    env: {
      ...process.env,
      SPIKESPLIT_RUNS_DIR: runsRoot,
      SPIKESPLIT_RESULTS_DIR: publishedRoot,
      SPIKESPLIT_THREADS: '1',
    },
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.rows.length, preset.evalT.length);
  assert.ok(out.rows.every((row: { count: number }) => row.count > 0));
});

test('a run of its own hides the published copy entirely (never a mix), and the link study does not take it as done', async () => {
  await assert.rejects(runLinkErrors(preset, { log: () => {} }), /needs the finished sweep/);
  // runLinkErrors collected the (empty) results into runs/tiny/: a result of its own.
  assert.equal(hasOwnResults('tiny'), true);
  assert.equal(publishedRun('tiny'), null);
  assert.equal(publishedNote('tiny'), null);
  assert.doesNotMatch(presetCaveat(preset)!, /published/);
  assert.equal(readTestbed('tiny'), null);
  assert.equal(readResults('tiny')?.backbone, null);
  assert.equal(collectResults(preset).backbone, null);
  assert.throws(() => loadBackbone(preset, 10, 2), /no trained backbone for preset 'tiny'/);
});

test('a new publication replaces the copy whole; one that fails leaves the last one as it was', () => {
  fs.rmSync(runsDir('tiny'), { recursive: true });
  writeRun('second');
  writeJson(path.join(runsDir('tiny'), 'testbed-netns.json'), { optional: true });
  publish();
  fs.rmSync(runsDir('tiny'), { recursive: true });
  assert.equal((readResults('tiny') as unknown as { mark: string }).mark, 'second');
  assert.ok(fs.existsSync(path.join(publishedDir('tiny'), 'testbed-netns.json')));
  writeRun('third');
  fs.rmSync(path.join(runsDir('tiny'), 'testbed-netns.json'), { force: true });
  fs.rmSync(testbedFile('tiny'));
  assert.throws(() => publish(), /lacks testbed\.json/);
  fs.rmSync(runsDir('tiny'), { recursive: true });
  assert.equal((readResults('tiny') as unknown as { mark: string }).mark, 'second');
  writeRun('fourth');
  publish();
  assert.ok(
    !fs.existsSync(path.join(publishedDir('tiny'), 'testbed-netns.json')),
    'a file of the last run only is gone',
  );
  assert.deepEqual(fs.readdirSync(publishedRoot), ['tiny']);
  fs.rmSync(publishedRoot, { recursive: true, force: true });
  fs.rmSync(figuresDir, { recursive: true, force: true });
  setPublishedRoot(undefined);
});
