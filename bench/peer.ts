/**
 * The peer a user would pick instead, PyTorch, run in the same invocation as our side: `../shared/peer/torch_ref.py`
 * (the same spiking networks; SPIKESPLIT_PEER names another copy) and `bench/peer/conv_ref.py` (one convolution),
 * with Debian's `/usr/bin/python3`. Without torch it says why, and the benchmarks print our figures alone.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from 'spikesplit';

export const PYTHON = '/usr/bin/python3';

export interface PeerRow {
  case: string;
  threads: number;
  median_ms: number;
  [key: string]: unknown;
}

/** Why the peer cannot run here, or null when it can. */
export function peerUnavailable(): string | null {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} is missing`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return `PyTorch does not import (apt-get install -y --no-install-recommends python3-torch python3-numpy): ${probe.stderr.trim().split('\n').pop()}`;
  if (!fs.existsSync(networksScript()))
    return `the peer's networks are missing: ${networksScript()} (set SPIKESPLIT_PEER)`;
  return null;
}

export function networksScript(): string {
  return process.env.SPIKESPLIT_PEER ?? path.resolve(projectRoot(), '..', 'shared', 'peer', 'torch_ref.py');
}

function run(script: string, args: string[]): PeerRow[] {
  const out = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (out.status !== 0)
    throw new Error(`the peer failed (${PYTHON} ${script} ${args.join(' ')}): ${out.stderr.trim()}`);
  return out.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as PeerRow & { info?: string })
    .filter((r) => r.info === undefined);
}

/** torch_ref.py's cases (train_r18, infer_r18_b1, ...) at `threads`, T and width. */
export function peerNetworks(cases: string[], threads: number, T: number, width: number, reps: number): PeerRow[] {
  return run(networksScript(), [
    '--cases',
    cases.join(','),
    '--threads',
    String(threads),
    '--T',
    String(T),
    '--width',
    String(width),
    '--reps',
    String(reps),
  ]);
}

/** F.conv2d, 3x3, padding 1, on binary input at each rate. */
export function peerConv(rates: number[], threads: number, shape: number[], reps: number): PeerRow[] {
  return run(path.join(projectRoot(), 'bench', 'peer', 'conv_ref.py'), [
    '--rates',
    rates.join(','),
    '--threads',
    String(threads),
    '--shape',
    shape.join(','),
    '--reps',
    String(reps),
  ]);
}
