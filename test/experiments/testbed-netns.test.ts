// `testbed --netns` at a minimal config: each mode across two network namespaces (tc tbf, TLS) and over loopback
// with the token bucket, labelled. Needs root; skipped with the reason otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { execFileSync } from 'child_process';
import { getPreset, netnsTestbedFile, netnsUnavailable, runNetnsTestbed, type NetnsTestbed } from 'spikesplit';
import { writeNeucodexModels } from '../coinfer/neucodex-models';
import { useTempRunsDir } from './temp-runs';

const root = useTempRunsDir('testbed-netns-runs-');
const why = netnsUnavailable();

test(
  'testbed --netns measures every mode across the kernel link and beside it with the token bucket, and cleans up its namespaces',
  { skip: why ?? false },
  async () => {
    writeNeucodexModels(
      root,
      'tiny',
      { model: 'resnet18', width: 1 / 16, T: 4, classes: 10, splitPoint: 'RB2', channels: 2, seed: 3 },
      [2],
    );
    const result = await runNetnsTestbed(getPreset('tiny'), {
      config: { requests: 3, warmup: 1, bandwidthsMbps: [10], slowdown: 1 },
      sink: () => {},
    });
    const written = JSON.parse(fs.readFileSync(netnsTestbedFile('tiny'), 'utf8')) as NetnsTestbed;
    assert.deepEqual(written, JSON.parse(JSON.stringify(result)));
    assert.deepEqual(
      written.rows.map((r) => [r.mode, r.link]),
      [
        ['raw-offload', 'kernel link (veth, tc tbf, TLS)'],
        ['spike-split', 'kernel link (veth, tc tbf, TLS)'],
        ['spike-split-tc-exit', 'kernel link (veth, tc tbf, TLS)'],
        ['raw-offload', 'loopback, application token bucket'],
        ['spike-split', 'loopback, application token bucket'],
        ['spike-split-tc-exit', 'loopback, application token bucket'],
      ],
    );
    for (const r of written.rows) {
      assert.equal(r.latency.count, 3);
      assert.ok(r.latency.p50Ms > 0 && r.bytesPerRequest > 0, JSON.stringify(r));
      for (const k of ['p50Ms', 'p95Ms', 'p99Ms'] as const)
        assert.ok(
          r.latencyIntervals[k].lower <= r.latency[k] && r.latency[k] <= r.latencyIntervals[k].upper,
          `${k}: ${JSON.stringify(r)}`,
        );
    }
    assert.equal(written.rows[0].shaping, 'tc tbf 10 Mbit/s on both ends');
    assert.equal(written.threshold.value, 1, 'no testbed.json yet: no early exit');
    assert.doesNotMatch(
      execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }),
      new RegExp(`ss-testbed-${process.pid}`),
    );
  },
);
