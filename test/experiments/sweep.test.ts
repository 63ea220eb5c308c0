// `spikesplit sweep --preset tiny` end to end: writes its table; a rerun skips every row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { accuracyEstimate, decodeCorrectness, pairedDrop, type Results } from 'spikesplit';

const CLI = path.resolve(__dirname, '..', '..', 'scripts', 'cli.js');

test('the tiny sweep trains the backbone, runs every row, writes results.json; a rerun skips them all', () => {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-sweep-'));
  const sweep = () =>
    spawnSync(process.execPath, [CLI, 'sweep', '--preset', 'tiny', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, SPIKESPLIT_RUNS_DIR: runs },
    });
  const first = sweep();
  assert.equal(first.status, 0, first.stderr);
  const results = JSON.parse(first.stdout) as Results;
  assert.equal(results.rows.length, 4);
  assert.deepEqual(results.missing, []);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(runs, 'tiny', 'results.json'), 'utf8')), results);
  for (const r of results.rows) {
    assert.equal(r.preset, 'tiny');
    assert.equal(r.backend, 'wasm');
    assert.match(r.gitRevision, /^([0-9a-f]{40}(-dirty)?|unknown)$/);
    assert.equal(r.bits, r.sentShape[0] * r.sentShape[1] * r.sentShape[2] * r.T);
    assert.ok(Object.keys(r.firingRates).length > 0 && Object.values(r.firingRates).every((f) => f >= 0 && f <= 1));
    assert.ok(Math.abs(r.drop - (r.baselineAccuracy - r.accuracy)) < 1e-12);
    // Per-image correctness round-trips through the files: it gives back the accuracies, and the stored
    // intervals are recomputed from it exactly.
    const mine = decodeCorrectness(r.correct, r.id);
    const base = decodeCorrectness(results.backbone!.correctByT[r.T], 'backbone');
    assert.equal(mine.length, 50, 'one bit per test image');
    assert.equal(accuracyEstimate(mine).accuracy, r.accuracy);
    assert.equal(accuracyEstimate(base).accuracy, r.baselineAccuracy);
    assert.deepEqual(r.accuracyEstimate, accuracyEstimate(mine));
    assert.deepEqual(r.pairedDrop, pairedDrop(base, mine, { seed: r.seed }));
    assert.ok(Math.abs(r.pairedDrop.drop - r.drop) < 1e-12);
    assert.ok(r.pairedDrop.lower <= r.pairedDrop.drop && r.pairedDrop.drop <= r.pairedDrop.upper);
  }
  for (const s of results.selection)
    if (s.chosen !== null) assert.deepEqual(s.drop, results.rows.find((r) => r.id === s.chosen)!.pairedDrop);
  assert.deepEqual(Object.keys(results.backboneAccuracy), Object.keys(results.backbone!.accuracyByT));
  const second = sweep();
  assert.equal(second.status, 0, second.stderr);
  assert.equal((second.stderr.match(/\(finished, skipped\)/g) ?? []).length, 4, second.stderr);
  assert.doesNotMatch(second.stderr, /^epoch /m, 'nothing is trained again');
  assert.deepEqual(JSON.parse(second.stdout).rows, results.rows);
  fs.rmSync(runs, { recursive: true, force: true });
});
