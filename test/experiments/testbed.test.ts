// The testbed experiment at a minimal config: a real serve process on loopback, models as `spikesplit neucodex`
// writes them (fresh weights), a well-formed runs/<preset>/testbed.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { getPreset, PRESETS, runTestbed, TESTBED_MODES, testbedFile, type Testbed } from 'spikesplit';
import { writeNeucodexModels } from '../coinfer/neucodex-models';
import { useTempRunsDir } from './temp-runs';

const root = useTempRunsDir('testbed-runs-');

test('without the NeuCODEX models the testbed fails naming what is missing and the command that makes it', async () => {
  await assert.rejects(
    runTestbed(getPreset('tiny')),
    /no backbone weights at .*backbone.*spikesplit neucodex --preset tiny/s,
  );
});

test('the testbed at a minimal config writes a well-formed testbed.json', async () => {
  writeNeucodexModels(
    root,
    'tiny',
    { model: 'resnet18', width: 1 / 16, T: 4, classes: 10, splitPoint: 'RB2', channels: 2, seed: 3 },
    [2, 1],
  );
  const config = {
    ...PRESETS.tiny.testbed,
    requests: 3,
    bandwidthsMbps: [10, 100],
    latencyMs: 1,
    slowdown: 2,
    calibrationImages: 20,
  };
  const lines: string[] = [];
  const result = await runTestbed(getPreset('tiny'), { config, sink: (line) => lines.push(line) });
  const written = JSON.parse(fs.readFileSync(testbedFile('tiny'), 'utf8')) as Testbed;
  assert.deepEqual(written, JSON.parse(JSON.stringify(result)));
  assert.equal(written.preset, 'tiny');
  assert.equal(written.backend, 'wasm');
  assert.match(written.gitRevision, /^([0-9a-f]{40}(-dirty)?|unknown)$/);
  assert.equal(written.shaping.used, 'application-level token bucket');
  assert.ok(written.shaping.tc.detail.length > 0);
  assert.deepEqual(Object.keys(written.links), ['10', '100']);
  assert.ok(
    lines.some((l) => /210|requests/.test(l)),
    'progress shown',
  );
  // T' = 2 chosen over T' = 1: with one sent step there is nothing to exit from
  assert.equal(written.models.compressed.spec.sentSteps, 2);
  assert.equal(written.earlyExit.exitEvery, 2);
  assert.ok(written.earlyExit.candidates.some((c) => c.threshold === written.earlyExit.threshold));
  assert.deepEqual(
    written.rows.map((r) => [r.mode, r.bandwidthMbps]),
    [['edge-only', null], ...[10, 100].flatMap((b) => TESTBED_MODES.slice(1).map((m) => [m, b]))],
  );
  for (const r of written.rows) {
    assert.equal(r.requests, 3);
    assert.ok(
      r.latency.p50Ms > 0 && r.latency.p50Ms <= r.latency.p95Ms && r.latency.p95Ms <= r.latency.p99Ms,
      JSON.stringify(r.latency),
    );
    assert.ok(r.accuracy >= 0 && r.accuracy <= 1);
    assert.ok(Number.isFinite(r.p50SpeedupVsEdge) && r.p50SpeedupVsEdge > 0);
    const t = r.meanTiming;
    assert.ok(t.endToEndMs >= t.deviceComputeMs + t.encodeMs + t.serverComputeMs - 1e-6, JSON.stringify(t));
  }
  const row = (mode: string, b: number | null) => written.rows.find((r) => r.mode === mode && r.bandwidthMbps === b)!;
  assert.equal(row('edge-only', null).bytesPerRequest, 0);
  assert.equal(row('edge-only', null).p50SpeedupVsEdge, 1);
  // raw offload: the uint8 image (32 x 32 x 3 bytes) plus a small header
  assert.ok(row('raw-offload', 10).bytesPerRequest > 3072 && row('raw-offload', 10).bytesPerRequest < 3072 + 200);
  assert.equal(row('raw-offload', 10).meanTiming.deviceComputeMs, 0);
  assert.equal(row('spike-split', 10).messagesPerRequest, 1);
  assert.equal(row('spike-split', 10).meanSteps, 4);
  const exit = row('spike-split-tc-exit', 10);
  assert.ok(exit.messagesPerRequest >= 1 && exit.messagesPerRequest <= 2);
  assert.equal(exit.meanSteps, 2 * exit.messagesPerRequest);
});
