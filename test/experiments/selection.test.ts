// The selection rule of SpikeBottleNet 4.2 on rows built by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPreset, PRESETS, selectPerSplit, sweepConfigs, type PairedDrop, type SelectableRow } from 'spikesplit';

// The rule reads the point estimate `drop`; each row's paired statistics are passed through to its choice.
const paired = (id: string) => ({ drop: 0, lower: 0, upper: 0, id }) as unknown as PairedDrop;
const row = (id: string, split: string, bits: number, drop: number): SelectableRow => ({
  id,
  split,
  bits,
  drop,
  accuracy: 0.9 - drop,
  pairedDrop: paired(id),
});

test('per split point: the fewest bits within 3%, else within 4% (marked), else none', () => {
  const rows = [
    row('a1', 'RB1', 4096, 0.01),
    row('a2', 'RB1', 1024, 0.025),
    row('a3', 'RB1', 256, 0.05),
    row('b1', 'RB2', 2048, 0.035),
    row('b2', 'RB2', 512, 0.039),
    row('c1', 'RB3', 100, 0.2),
  ];
  assert.deepEqual(selectPerSplit(rows, 0.03, 0.04), [
    { split: 'RB1', chosen: 'a2', relaxed: false, drop: paired('a2') },
    { split: 'RB2', chosen: 'b2', relaxed: true, drop: paired('b2') },
    { split: 'RB3', chosen: null, relaxed: false, drop: null },
  ]);
  assert.throws(() => selectPerSplit(rows, 0.05, 0.04), /threshold <= relaxedThreshold/);
});

test('presets are data: serialisable, named, and their sweep configurations are unique', () => {
  for (const preset of Object.values(PRESETS)) {
    assert.deepEqual(JSON.parse(JSON.stringify(preset)), preset);
    for (const T of preset.sweep.T)
      assert.ok(preset.evalT.includes(T), `${preset.name}: the backbone is evaluated at sweep T=${T}`);
  }
  const ids = sweepConfigs(PRESETS.tiny).map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.throws(() => getPreset('huge'), /unknown preset 'huge'; expected one of tiny, cpu, paper/);
});
