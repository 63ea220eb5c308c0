import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '../../scripts/cli.js');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

test("spikesplit bits: the paper's RB16 examples as JSON, and a bad --size named with the accepted sizes", async () => {
  const [spike, dnn, bad] = await Promise.all([
    cli(['bits', '--model', 'resnet50', '--split', 'RB16', '--channels', '32', '--size', '2x2', '--T', '4', '--json']),
    cli([
      'bits',
      '--model',
      'resnet50-dnn',
      '--split',
      'RB16',
      '--channels',
      '32',
      '--size',
      '2x2',
      '--bit-width',
      '8',
      '--json',
    ]),
    cli(['bits', '--model', 'resnet50', '--split', 'RB16', '--channels', '32', '--size', '3x3']),
  ]);
  assert.equal(spike.code, 0, spike.stderr);
  const s = JSON.parse(spike.stdout);
  assert.deepEqual(
    { bits: s.bits, bytes: s.bytes, uncompressedBits: s.uncompressedBits, ratio: s.ratio },
    { bits: 512, bytes: 64, uncompressedBits: 131072, ratio: 256 },
  );
  assert.equal(dnn.code, 0, dnn.stderr);
  const d = JSON.parse(dnn.stdout);
  assert.deepEqual(
    { bits: d.bits, bytes: d.bytes, uncompressedBits: d.uncompressedBits, ratio: d.ratio },
    { bits: 1024, bytes: 128, uncompressedBits: 1048576, ratio: 1024 },
  );
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--size: expected one of 4x4, 2x2, 1x1 for resnet50 RB16 \(4x4x2048\), got '3x3'/);
});
