import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  applyEnvironment,
  applySettings,
  currentSettings,
  defaultCifar10JpgArchive,
  loadCifar10,
  publishedDir,
  runsDir,
} from 'spikesplit';

// dist/test/experiments/ -> the project root
const ROOT = path.resolve(__dirname, '..', '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-environment-'));
after(() => {
  applyEnvironment({});
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('without the variables, runs, published results and the CIFAR-10 archive are where the README says', () => {
  applyEnvironment({});
  assert.equal(runsDir('tiny'), path.join(ROOT, 'runs', 'tiny'));
  assert.equal(publishedDir('cpu'), path.join(ROOT, 'results', 'cpu'));
  assert.equal(defaultCifar10JpgArchive(), path.resolve(ROOT, '..', 'shared', 'data', 'cifar10-jpg.tar.gz'));
});

test('an entry point hands SPIKESPLIT_RUNS_DIR, SPIKESPLIT_RESULTS_DIR and SPIKESPLIT_CIFAR10_JPG to the library', async () => {
  const archive = path.join(tmp, 'nowhere.tar.gz');
  applyEnvironment({
    SPIKESPLIT_RUNS_DIR: path.join(tmp, 'runs'),
    SPIKESPLIT_RESULTS_DIR: path.join(tmp, 'results'),
    SPIKESPLIT_CIFAR10_JPG: archive,
  });
  assert.equal(runsDir('tiny'), path.join(tmp, 'runs', 'tiny'));
  assert.equal(publishedDir('cpu'), path.join(tmp, 'results', 'cpu'));
  assert.equal(defaultCifar10JpgArchive(), archive);
  // A named archive that does not exist is an error naming the variable, even where `auto` would skip the default.
  await assert.rejects(
    loadCifar10({ split: 'test', source: 'auto', dataDir: tmp, progress: false }),
    /nowhere\.tar\.gz \(from \$SPIKESPLIT_CIFAR10_JPG\) does not exist; expected cifar10-jpg.tar.gz/,
  );
});

test("a job thread that applies the worker's settings sees the same folders", () => {
  applyEnvironment({
    SPIKESPLIT_RUNS_DIR: path.join(tmp, 'store'),
    SPIKESPLIT_CIFAR10_JPG: path.join(tmp, 'a.tar.gz'),
  });
  const settings = structuredClone(currentSettings()); // what workerData carries to a thread
  applyEnvironment({});
  assert.equal(runsDir('tiny'), path.join(ROOT, 'runs', 'tiny'));
  applySettings(settings);
  assert.equal(runsDir('tiny'), path.join(tmp, 'store', 'tiny'));
  assert.equal(publishedDir('cpu'), path.join(ROOT, 'results', 'cpu'));
  assert.equal(defaultCifar10JpgArchive(), path.join(tmp, 'a.tar.gz'));
});
