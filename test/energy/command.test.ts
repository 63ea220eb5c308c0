// The `energy` command, spawned as a user runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { PAPER_TABLE3_PRINTED, SPIKEBOTTLENET_TABLE3_FIRING_RATES } from 'spikesplit';

const cli = resolve(__dirname, '../../scripts/cli.js'); // dist/test/energy -> dist/scripts
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, 'energy', '--backend', 'wasm', ...args], { encoding: 'utf8' });

test('energy --model resnet50 --hardware 45nm --dnn --json prints the BottleNet++ rows', () => {
  const r = run('--model', 'resnet50', '--hardware', '45nm', '--dnn', '--json');
  assert.equal(r.status, 0, r.stderr);
  const { rows } = JSON.parse(r.stdout) as { rows: Record<string, unknown>[] };
  assert.equal(rows.length, 16);
  assert.deepEqual(Object.keys(rows[0]), ['split', 'ops', 'cumulativeOps', 'energyPJ', 'cumulativeEnergyPJ']);
  // RB1 by hand: (64*64 + 64*64*9 + 64*256) MACs per pixel x 32*32 pixels; x 4.6 pJ.
  assert.deepEqual([rows[0].split, rows[0].ops, rows[0].cumulativeOps], ['RB1', 58_720_256, 58_720_256]);
  const mJ = rows.map((row) => Number(((row.cumulativeEnergyPJ as number) / 1e9).toFixed(2)));
  assert.deepEqual(mJ, PAPER_TABLE3_PRINTED.bottleNetPP45nmMJ);
});

test('energy --hardware rolls --firing-rates FILE: the SpikeBottleNet ROLLS row', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spikesplit-energy-'));
  try {
    const file = join(dir, 'rates.json');
    writeFileSync(file, JSON.stringify(SPIKEBOTTLENET_TABLE3_FIRING_RATES));
    const r = run('--model', 'resnet50', '--hardware', 'rolls', '--firing-rates', file, '--json');
    assert.equal(r.status, 0, r.stderr);
    const { rows } = JSON.parse(r.stdout) as { rows: { cumulativeEnergyPJ: number }[] };
    assert.deepEqual(
      rows.map((row) => Number((row.cumulativeEnergyPJ / 1e9).toFixed(3))),
      PAPER_TABLE3_PRINTED.spikeBottleNetRollsMJ,
    );
    const twice = run('--model', 'resnet50', '--width', '0.125', '--firing-rates', file, '--T', '4');
    assert.equal(twice.status, 2);
    assert.match(twice.stderr, /T is given twice, 4 as an option/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad arguments exit 2 and name the argument and what it accepts', () => {
  for (const [args, message] of [
    [
      ['--model', 'resnet51', '--dnn'],
      /--model: expected one of resnet18, resnet50, sew-resnet50, vgg16, resnet50-dnn, resnet18-dnn, got 'resnet51'/,
    ],
    [
      ['--model', 'resnet50', '--dnn', '--hardware', 'tpu'],
      /--hardware: expected one of 45nm, rolls, or a path to a \.json profile, got 'tpu'/,
    ],
    [['--model', 'resnet50'], /--firing-rates: required for SNN energy, a JSON file .*; or pass --dnn/],
    [['--model', 'resnet50', '--dnn', '--T', '4'], /--T: applies to SNN energy/],
    [
      ['--model', 'resnet50', '--dnn', '--count', 'block,head'],
      /--count: counted layer roles: unknown 'head'; expected some of stem/,
    ],
    [
      ['--model', 'resnet50', '--firing-rates', '/nonexistent/rates.json'],
      /--firing-rates \/nonexistent\/rates.json: cannot read the file \(ENOENT\)/,
    ],
    [
      ['--model', 'resnet50', '--dnn', '--radio', 'carrier-pigeon'],
      /--radio: expected one of lte-uplink, wifi-uplink, or a path/,
    ],
  ] as const) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});
