// AssemblyScript: accumulate-only convolutions of bit-packed spikes (spikes.ts makes their channel lists).
// The geometry, args[0..12]: N, H, W, Cin, k, stride, pad, OH, OW, Cout, transposed (0: input pixel =
// out * stride + tap - pad; 1: out = in * stride + tap - pad), counts u32 [N*H*W], idx u16 [N*H*W, Cin].
// Weights and filter gradients are blocked by output channels (`relayout`): 32 channels at a time, then 4
// (the last block padded with zeros), each block [k*k*Cin, width] contiguous, so the block a pass works on
// stays in the cache while every output pixel a thread takes reads or updates it.
import { arg, chunkRange, chunks, loadLanes, nextChunk, ptr, storeLanes } from './common';

/** Rows a chunk of relayout. */
const CHUNK_ROWS = 64;

/** The input coordinate that output coordinate o reads through tap t, or -1 (outside, or between strides). */
@inline function source(o: i32, t: i32, stride: i32, pad: i32, size: i32, transposed: i32): i32 {
  if (transposed == 0) {
    const i = o * stride + t - pad;
    return i >= 0 && i < size ? i : -1;
  }
  const d = o + pad - t;
  if (d < 0 || d % stride != 0) return -1;
  const i = d / stride;
  return i < size ? i : -1;
}

/** The width of the channel block that starts at channel co of Cout: 32 while 32 are left, then 4. */
@inline function blockWidth(co: i32, Cout: i32): i32 {
  return co < (Cout & ~31) ? 32 : 4;
}

/** The channel blocks of Cout: the 32-channel ones, then the 4-channel ones. */
@inline function blockCount(Cout: i32): i32 {
  return (Cout >> 5) + ((paddedChannels(Cout) - (Cout & ~31)) >> 2);
}

/** The first channel of block b of Cout. */
@inline function blockStart(b: i32, Cout: i32): i32 {
  const wide = Cout >> 5;
  return b < wide ? b << 5 : (wide << 5) + ((b - wide) << 2);
}

/** Cout rounded up to whole 4-channel blocks: the blocked layout's channels. */
@inline function paddedChannels(Cout: i32): i32 {
  return (Cout + 3) & ~3;
}

/**
 * relayout(src f32, dst f32, rows, Cout, toBlocked): between [rows, Cout] and the blocked layout, in which the
 * block of channels [co, co + width) holds [rows, width] at float rows * co (padded lanes are zeros).
 * toBlocked 1: src plain, dst blocked; 0: src blocked, dst plain.
 */
export function relayout(args: usize, tid: i32): void {
  const src = ptr(args, 0), dst = ptr(args, 1), rows = arg(args, 2), Cout = arg(args, 3), toBlocked = arg(args, 4);
  for (let k = nextChunk(args), count = chunks(rows, CHUNK_ROWS); k < count; k = nextChunk(args)) {
    const range = chunkRange(k, CHUNK_ROWS, rows);
    for (let r = <i32>(range >> 32), r1 = <i32>range; r < r1; r++) {
      for (let co = 0; co < Cout; co += 4) {
        const width = blockWidth(co, Cout), start = co & ~(width - 1); // the block that holds channels co..co+3
        const blocked = <usize>(rows * start + r * width + co - start) << 2;
        const plain = <usize>(r * Cout + co) << 2;
        if (toBlocked) v128.store(dst + blocked, loadLanes(src + plain, Cout - co));
        else storeLanes(dst + plain, v128.load(src + blocked), Cout - co);
      }
    }
  }
}

/**
 * The taps through which output pixel (n, oh, ow) reads an input pixel, for the geometry at `args`: three
 * u32 per tap at `taps` (the input pixel's spike list, its spike count, the tap's index); returns how many.
 */
@inline function tapsOf(args: usize, n: i32, oh: i32, ow: i32, taps: usize): i32 {
  const H = arg(args, 1), W = arg(args, 2), Cin = arg(args, 3), k = arg(args, 4), stride = arg(args, 5), pad = arg(args, 6);
  const transposed = arg(args, 10), counts = ptr(args, 11), idx = ptr(args, 12);
  let m = 0;
  for (let kh = 0; kh < k; kh++) {
    const ih = source(oh, kh, stride, pad, H, transposed);
    if (ih < 0) continue;
    for (let kw = 0; kw < k; kw++) {
      const iw = source(ow, kw, stride, pad, W, transposed);
      if (iw < 0) continue;
      const p = (n * H + ih) * W + iw;
      const at = taps + <usize>(m * 12);
      store<u32>(at, <u32>(idx + (<usize>p * <usize>Cin << 1)));
      store<u32>(at, load<u32>(counts + (<usize>p << 2)), 4);
      store<u32>(at, kh * k + kw, 8);
      m++;
    }
  }
  return m;
}

/**
 * Accumulate-only forward: out[n, oh, ow, :] = sum over taps and the spikes c of the input pixel each tap
 * reads of w[tap, c, :]. args: the geometry and the input's spike lists, then w blocked (13), out (14), acs
 * f64 [threads] (15): acs[tid] (zeroed by the caller) gains the accumulates executed (spikes met x Cout), taps
 * scratch (16: k*k*12 bytes per thread). A chunk is one channel block of one output row (n, oh), taken
 * block by block, so that the block the threads work on stays in their caches: each pixel of the row adds
 * each spike's weights into eight v128 accumulators (a 32-channel block).
 */
export function convForward(args: usize, tid: i32): void {
  const N = arg(args, 0), Cin = arg(args, 3), k = arg(args, 4), OH = arg(args, 7), OW = arg(args, 8), Cout = arg(args, 9);
  const w = ptr(args, 13), out = ptr(args, 14), acsOut = ptr(args, 15), taps = ptr(args, 16) + <usize>(tid * k * k * 12);
  const rows = k * k * Cin;
  let met: i64 = 0; // spikes met, counted in the first block
  for (let c = nextChunk(args), n = blockCount(Cout) * N * OH; c < n; c = nextChunk(args)) {
    const co = blockStart(c / (N * OH), Cout), r = c % (N * OH);
    const width = blockWidth(co, Cout);
    const block = w + (<usize>(rows * co) << 2);
    const rowBytes = <usize>width << 2;
    const tapBytes = <usize>Cin * rowBytes;
    for (let ow = 0; ow < OW; ow++) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
      for (let e = 0, m = tapsOf(args, r / OH, r % OH, ow, taps); e < m; e++) {
        const tap = taps + <usize>(e * 12);
        const list = <usize>load<u32>(tap), cnt = load<u32>(tap, 4);
        const wt = block + <usize>load<u32>(tap, 8) * tapBytes;
        if (co == 0) met += <i64>cnt;
        if (width == 32) {
          for (let j: u32 = 0; j < cnt; j++) {
            const row = wt + (<usize>load<u16>(list + (<usize>j << 1)) << 7); // rows of 128 bytes
            a0 = f32x4.add(a0, v128.load(row)); a1 = f32x4.add(a1, v128.load(row, 16));
            a2 = f32x4.add(a2, v128.load(row, 32)); a3 = f32x4.add(a3, v128.load(row, 48));
            a4 = f32x4.add(a4, v128.load(row, 64)); a5 = f32x4.add(a5, v128.load(row, 80));
            a6 = f32x4.add(a6, v128.load(row, 96)); a7 = f32x4.add(a7, v128.load(row, 112));
          }
        } else {
          for (let j: u32 = 0; j < cnt; j++) a0 = f32x4.add(a0, v128.load(wt + <usize>load<u16>(list + (<usize>j << 1)) * rowBytes));
        }
      }
      const dst = out + (<usize>((r * OW + ow) * Cout + co) << 2);
      if (width == 32) {
        v128.store(dst, a0); v128.store(dst, a1, 16); v128.store(dst, a2, 32); v128.store(dst, a3, 48);
        v128.store(dst, a4, 64); v128.store(dst, a5, 80); v128.store(dst, a6, 96); v128.store(dst, a7, 112);
      } else {
        storeLanes(dst, a0, Cout - co);
      }
    }
  }
  const slot = acsOut + (<usize>tid << 3);
  store<f64>(slot, load<f64>(slot) + <f64>(met * <i64>Cout));
}

/**
 * Accumulate-only filter gradient: dw[tap, c, :] += dy[n, oh, ow, :] for every spike c of the input pixel that
 * output pixel (n, oh, ow) reads through tap. args: the geometry and spike lists, then dy (13; readable 16
 * bytes past its end, whose values only reach padded lanes), dw (14, blocked), acs f64 [threads] (15), taps
 * scratch (16), as convForward's. A chunk is a set of output channels (a channel block when Cout has two
 * 32-channel blocks or more, else four channels), for which the thread goes over every output pixel in order:
 * every gradient is one chunk's sum in one order, the same at any thread count. A whole 32-channel block keeps
 * the pixel's dy in eight v128 registers while it adds them to the rows its spikes select; four channels take
 * one.
 */
export function filterGrad(args: usize, tid: i32): void {
  const N = arg(args, 0), Cin = arg(args, 3), k = arg(args, 4), OH = arg(args, 7), OW = arg(args, 8), Cout = arg(args, 9);
  const dy = ptr(args, 13), dw = ptr(args, 14), acsOut = ptr(args, 15), taps = ptr(args, 16) + <usize>(tid * k * k * 12);
  const rows = k * k * Cin;
  const byBlock = Cout >= 64;
  let acs: f64 = 0;
  for (let c = nextChunk(args), n = byBlock ? blockCount(Cout) : paddedChannels(Cout) >> 2; c < n; c = nextChunk(args)) {
    const co = byBlock ? blockStart(c, Cout) : c << 2;
    const width = blockWidth(co, Cout), start = co & ~(width - 1);
    const wide = byBlock && width == 32;
    const rowBytes = <usize>width << 2;
    const base = dw + (<usize>(rows * start + co - start) << 2); // row 0 of these channels
    const tapBytes = <usize>Cin * rowBytes;
    for (let r = 0; r < rows; r++) {
      if (wide) memory.fill(base + <usize>r * rowBytes, 0, 128);
      else v128.store(base + <usize>r * rowBytes, f32x4.splat(0));
    }
    let met: i64 = 0; // spikes met
    for (let r = 0; r < N * OH; r++) {
      for (let ow = 0; ow < OW; ow++) {
        const g = dy + (<usize>((r * OW + ow) * Cout + co) << 2);
        const g0 = v128.load(g), g1 = wide ? v128.load(g, 16) : g0, g2 = wide ? v128.load(g, 32) : g0, g3 = wide ? v128.load(g, 48) : g0;
        const g4 = wide ? v128.load(g, 64) : g0, g5 = wide ? v128.load(g, 80) : g0, g6 = wide ? v128.load(g, 96) : g0, g7 = wide ? v128.load(g, 112) : g0;
        for (let e = 0, m = tapsOf(args, r / OH, r % OH, ow, taps); e < m; e++) {
          const tap = taps + <usize>(e * 12);
          const list = <usize>load<u32>(tap), cnt = load<u32>(tap, 4);
          const wt = base + <usize>load<u32>(tap, 8) * tapBytes;
          met += <i64>cnt;
          if (wide) {
            for (let j: u32 = 0; j < cnt; j++) {
              const row = wt + (<usize>load<u16>(list + (<usize>j << 1)) << 7); // rows of 128 bytes
              v128.store(row, f32x4.add(v128.load(row), g0)); v128.store(row, f32x4.add(v128.load(row, 16), g1), 16);
              v128.store(row, f32x4.add(v128.load(row, 32), g2), 32); v128.store(row, f32x4.add(v128.load(row, 48), g3), 48);
              v128.store(row, f32x4.add(v128.load(row, 64), g4), 64); v128.store(row, f32x4.add(v128.load(row, 80), g5), 80);
              v128.store(row, f32x4.add(v128.load(row, 96), g6), 96); v128.store(row, f32x4.add(v128.load(row, 112), g7), 112);
            }
          } else {
            for (let j: u32 = 0; j < cnt; j++) {
              const row = wt + <usize>load<u16>(list + (<usize>j << 1)) * rowBytes;
              v128.store(row, f32x4.add(v128.load(row), g0));
            }
          }
        }
      }
    }
    acs += <f64>(met * <i64>(min(co + (wide ? 32 : 4), Cout) - co));
  }
  const slot = acsOut + (<usize>tid << 3);
  store<f64>(slot, load<f64>(slot) + acs);
}
