// The command line as a user types it: `spikesplit info`, `--help`, `model`, and bad arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '..', '..', 'scripts', 'cli.js');

function spikesplit(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('SPIKESPLIT_BACKEND=wasm spikesplit info --json reports the wasm backend, versions and cores', () => {
  const r = spikesplit(['info', '--json'], { SPIKESPLIT_BACKEND: 'wasm', SPIKESPLIT_THREADS: '' });
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.equal(info.backend, 'wasm');
  assert.equal(info.tfjsVersion, '4.22.0');
  assert.equal(info.nodeVersion, process.version);
  assert.equal(typeof info.tfjsNode.loaded, 'boolean');
  if (!info.tfjsNode.loaded) assert.ok(info.tfjsNode.reason.length > 0, 'says why tfjs-node did not load');
  assert.ok(info.cores >= 1);
  assert.equal(info.engine.threads, os.availableParallelism());
});

test('spikesplit info reports the threads SPIKESPLIT_THREADS sets, and refuses a bad value naming it', () => {
  const r = spikesplit(['info', '--json'], { SPIKESPLIT_BACKEND: 'cpu', SPIKESPLIT_THREADS: '3' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).engine.threads, 3);
  const bad = spikesplit(['info'], { SPIKESPLIT_BACKEND: 'cpu', SPIKESPLIT_THREADS: 'two' });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /SPIKESPLIT_THREADS must be a positive integer, got 'two'/);
});

test('--help lists every command, and each command has its own --help', () => {
  const r = spikesplit(['--help']);
  assert.equal(r.code, 0);
  const commands = [...r.stdout.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]);
  for (const name of ['info', 'model', 'train', 'sweep', 'neucodex', 'eval', 'bits', 'energy'])
    assert.ok(commands.includes(name), `${name} in ${commands}`);
  for (const name of commands) {
    const h = spikesplit([name, '--help']);
    assert.equal(h.code, 0, `${name} --help`);
    assert.match(h.stdout, new RegExp(`^usage: spikesplit ${name}`));
  }
});

test("spikesplit model resnet50 --json gives the paper's shapes: RB16 is 4x4x2048 per step", () => {
  const r = spikesplit(['model', 'resnet50', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout);
  assert.equal(d.splitPoints.length, 16);
  assert.deepEqual(d.splitPoints[0].shape, [32, 32, 256]);
  assert.deepEqual(d.splitPoints[15].shape, [4, 4, 2048]);
  const last = d.splitPoints[15];
  assert.equal(
    last.cumulativeMacs,
    d.splitPoints.reduce((s: number, p: { macs: number }) => s + p.macs, 0),
  );
  assert.ok(d.totalMacs > last.cumulativeMacs, 'the classifier adds its MACs');
});

test('bad arguments name the argument and the accepted values, with exit code 2', () => {
  const cases: [string[], RegExp][] = [
    [['nonsense'], /unknown command 'nonsense'; expected one of: info, /],
    [['info', '--backend', 'gpu'], /--backend: expected one of node, wasm, cpu, got 'gpu'/],
    [
      ['model', 'resnet51'],
      /--model: expected one of resnet18, resnet50, sew-resnet50, vgg16, resnet50-dnn, resnet18-dnn, got 'resnet51'/,
    ],
    [['model', 'resnet50', '--width', 'wide'], /--width: expected a number in/],
    [['sweep', '--preset', 'huge'], /--preset: expected one of tiny, cpu, paper, got 'huge'/],
    [['neucodex', '--preset', 'huge'], /--preset: expected one of tiny, cpu, paper, got 'huge'/],
    [['neucodex', '--thresholds', '0.5'], /Unknown option '--thresholds'/],
    [['train', '--epochs', '3'], /Unknown option '--epochs'/],
  ];
  for (const [args, message] of cases) {
    const r = spikesplit(args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit code`);
    assert.match(r.stderr, message);
  }
});
