/**
 * `npm run bench -- codec`: throughput of bit packing and entropy coding beside a plain memory copy.
 *
 * Unit: MB/s = 10^6 spike values per second, i.e. megabytes per second of the one-byte-per-spike
 * Uint8Array a tensor arrives in. The reference copies move those same n bytes (pack reads them, unpack
 * and decode write them): `copy` is `dst.set(spikes)` into a preallocated array (a native memcpy, the
 * target's reference: `ratio` = codec MB/s / copy MB/s); `slice` is `spikes.slice()`, a copy into a new
 * array, which like the codec functions allocates its result (`sliceRatio`).
 * Time is this process's CPU time (user + system, which also counts GC threads), so other jobs on a
 * shared machine slow the figures less than wall time would; each is the best of several runs, references
 * and codec interleaved.
 */
import { entropyCodingStats, entropyDecode, entropyEncode, packBits, Rng, unpackBits } from 'spikesplit';
import { printTable, Row, writeResult } from './report';

const T = 4;
const SHAPE = [T * 32, 16, 16, 32]; // [T*B, H, W, C]: 1,048,576 spike values
const RATES = [0.05, 0.1, 0.3];
const RUNS = 7;
const RUN_SECONDS = 0.15;

/** Spike values per CPU second of `fn`, best of RUNS runs of at least RUN_SECONDS each. */
function throughput(count: number, fn: () => unknown): number {
  fn();
  let best = 0;
  for (let run = 0; run < RUNS; run++) {
    let reps = 0;
    const start = process.cpuUsage();
    let seconds = 0;
    do {
      fn();
      reps++;
      const used = process.cpuUsage(start);
      seconds = (used.user + used.system) / 1e6;
    } while (seconds < RUN_SECONDS);
    best = Math.max(best, (reps * count) / seconds);
  }
  return best;
}

export async function main(_args: string[]): Promise<void> {
  const count = SHAPE.reduce((a, b) => a * b, 1);
  const rows: Row[] = [];
  for (const rate of RATES) {
    const rng = new Rng(1);
    const spikes = Uint8Array.from({ length: count }, () => (rng.next() < rate ? 1 : 0));
    const copy = new Uint8Array(count);
    const packed = packBits(spikes);
    const coded = entropyEncode(spikes, SHAPE, T);
    const stats = entropyCodingStats(spikes, SHAPE, T);
    const ops: [string, () => unknown, number][] = [
      ['pack', () => packBits(spikes), 1],
      ['unpack', () => unpackBits(packed, count), 1],
      ['entropy encode', () => entropyEncode(spikes, SHAPE, T), stats.bitsPerElement],
      ['entropy decode', () => entropyDecode(coded, SHAPE, T), stats.bitsPerElement],
    ];
    for (const [op, fn, bitsPerSpike] of ops) {
      const copyMBs = throughput(count, () => copy.set(spikes)) / 1e6;
      const sliceMBs = throughput(count, () => spikes.slice()) / 1e6;
      const codecMBs = throughput(count, fn) / 1e6;
      rows.push({
        op,
        firingRate: rate,
        spikes: count,
        'MB/s': codecMBs,
        'copy MB/s': copyMBs,
        ratio: codecMBs / copyMBs,
        'slice MB/s': sliceMBs,
        sliceRatio: codecMBs / sliceMBs,
        bitsPerSpike,
        shannonBits: stats.shannonBitsPerElement,
      });
    }
  }
  printTable(rows);
  writeResult('codec', {
    unit: 'MB/s = 10^6 spike values per second (bytes of the one-byte-per-spike Uint8Array)',
    reference:
      'copy = Uint8Array.prototype.set of the same n spike bytes into a preallocated array; slice = Uint8Array.prototype.slice (new array)',
    shape: SHAPE,
    T,
    rows,
  });
}
