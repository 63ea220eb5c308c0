// AssemblyScript: per-channel statistics and affine maps over [rows, C] (the channel last, as NHWC), which
// threshold-dependent batch normalisation (lib/snn/tdbn.ts) is made of. Channels go four to a v128 (the last
// quad of a row masked to the channels it has); the threads take chunks of rows.
import { arg, chunkRange, chunks, loadLanes, nextChunk, ptr, storeLanes } from './common';

/** Rows a chunk of channelAffine. */
const CHUNK_ROWS = 64;

/**
 * channelSums(u f32 [rows, C], v f32 [rows, C], rows, C, shift f32 [C4], sums f64 [runs, 2, C], scratch f32
 * [threads, 2, C4], run): C4 = C rounded up to 4, runs = rows / run rounded up. Each chunk, a run of `run`
 * rows, sums in f32: sums[k, 0, c] = sum of u[r, c] and sums[k, 1, c] = sum of u[r, c] * (v[r, c] - shift[c])
 * over the rows of run k (u = v, shift = 0: the sums of x and x^2). The caller adds the runs in order, so the
 * totals are the same at any thread count.
 */
export function channelSums(args: usize, tid: i32): void {
  const u = ptr(args, 0), v = ptr(args, 1), rows = arg(args, 2), C = arg(args, 3), shift = ptr(args, 4);
  const C4 = (C + 3) & ~3;
  const acc = ptr(args, 6) + (<usize>(tid * 2 * C4) << 2);
  const prod = acc + (<usize>C4 << 2), run = arg(args, 7);
  for (let k = nextChunk(args), count = chunks(rows, run); k < count; k = nextChunk(args)) {
    const range = chunkRange(k, run, rows);
    memory.fill(acc, 0, <usize>(2 * C4) << 2);
    for (let r = <i32>(range >> 32), r1 = <i32>range; r < r1; r++) {
      const row = <usize>(r * C) << 2;
      for (let c = 0; c < C; c += 4) {
        const lanes = C - c, off = <usize>c << 2;
        const a = loadLanes(u + row + off, lanes);
        const b = f32x4.sub(loadLanes(v + row + off, lanes), v128.load(shift + off));
        v128.store(acc + off, f32x4.add(v128.load(acc + off), a));
        v128.store(prod + off, f32x4.add(v128.load(prod + off), f32x4.mul(a, b)));
      }
    }
    const sums = ptr(args, 5) + (<usize>(k * 2 * C) << 3);
    for (let c = 0; c < C; c++) {
      store<f64>(sums + (<usize>c << 3), <f64>load<f32>(acc + (<usize>c << 2)));
      store<f64>(sums + (<usize>(C + c) << 3), <f64>load<f32>(prod + (<usize>c << 2)));
    }
  }
}

/**
 * channelAffine(u f32 [rows, C], v f32 [rows, C], rows, C, a f32 [C4], b f32 [C4], d f32 [C4], out f32 [rows, C]):
 * out[r, c] = a[c] * u[r, c] + b[c] * v[r, c] + d[c].
 */
export function channelAffine(args: usize, tid: i32): void {
  const u = ptr(args, 0), v = ptr(args, 1), rows = arg(args, 2), C = arg(args, 3);
  const a = ptr(args, 4), b = ptr(args, 5), d = ptr(args, 6), out = ptr(args, 7);
  for (let k = nextChunk(args), count = chunks(rows, CHUNK_ROWS); k < count; k = nextChunk(args)) {
    const range = chunkRange(k, CHUNK_ROWS, rows);
    for (let r = <i32>(range >> 32), r1 = <i32>range; r < r1; r++) {
      const row = <usize>(r * C) << 2;
      for (let c = 0; c < C; c += 4) {
        const lanes = C - c, off = <usize>c << 2;
        const y = f32x4.add(f32x4.add(f32x4.mul(v128.load(a + off), loadLanes(u + row + off, lanes)),
          f32x4.mul(v128.load(b + off), loadLanes(v + row + off, lanes))), v128.load(d + off));
        storeLanes(out + row + off, y, lanes);
      }
    }
  }
}
