// AssemblyScript: the LIF recurrence over T steps (lib/snn/lif.ts states it), forward and backward through
// time, four neurons to a v128 (the last quad of a row or of a chunk masked to the neurons it has).
import { arg, argf, chunkRange, chunks, loadLanes, nextChunk, ptr, storeLanes } from './common';

/** Values (T steps of a neuron's inputs) a chunk takes, about: tens of microseconds of work. */
const CHUNK_VALUES = 16384;

/** The post-reset membrane after spikes s (1.0 or 0.0 per lane) from membrane h. */
@inline function reset(h: v128, s: v128, vth: v128, hard: i32): v128 {
  return hard ? f32x4.mul(h, f32x4.sub(f32x4.splat(1), s)) : f32x4.sub(h, f32x4.mul(vth, s));
}

/**
 * LIF over T steps from rest of the input current x'[t] = a[c] * x[t] + d[c] + plus[t] (per channel c; without
 * `a`, x' = x), x f32 [T, P, C] (P pixels of C channels a step), or [P, C] read at every step when `repeated`:
 * the spikes as floats [T, P, C] and/or bit-packed [T*P, wpp] (wpp = ceil(C / 32) words a pixel, bit c of word
 * c >> 5, as spikes.ts packs them). args: x, T, P, C, decay (f32), vth (f32), hard (1) or soft (0) reset, a f32
 * [C4] or 0, d f32 [C4], plus f32 [T, P, C] or 0, spikes or 0, bits or 0, repeated (1) or not (0). A chunk is
 * whole pixels, so each writes whole words.
 */
export function lifForward(args: usize, tid: i32): void {
  const x = ptr(args, 0), T = arg(args, 1), P = arg(args, 2), C = arg(args, 3), decay = f32x4.splat(argf(args, 4));
  const vth = f32x4.splat(argf(args, 5)), hard = arg(args, 6), a = ptr(args, 7), d = ptr(args, 8), plus = ptr(args, 9);
  const spikes = ptr(args, 10), bits = ptr(args, 11), repeated = arg(args, 12);
  const wpp = (C + 31) >> 5;
  const step = <usize>P * <usize>C << 2, xStep: usize = repeated ? 0 : step;
  const one = f32x4.splat(1);
  const size = max(1, CHUNK_VALUES / (T * C)); // pixels a chunk
  for (let k = nextChunk(args), count = chunks(P, size); k < count; k = nextChunk(args)) {
    const range = chunkRange(k, size, P);
    for (let p = <i32>(range >> 32), p1 = <i32>range; p < p1; p++) {
      if (bits) for (let t = 0; t < T; t++) memory.fill(bits + (<usize>((t * P + p) * wpp) << 2), 0, <usize>wpp << 2);
      for (let c = 0; c < C; c += 4) {
        const lanes = C - c, off = <usize>c << 2;
        const laneBits = lanes >= 4 ? 15 : (1 << lanes) - 1;
        const scale = a ? v128.load(a + off) : one, shift = a ? v128.load(d + off) : f32x4.splat(0);
        let u = f32x4.splat(0);
        let at = (<usize>p * <usize>C << 2) + off, xAt = at;
        for (let t = 0; t < T; t++, at += step, xAt += xStep) {
          let xt = loadLanes(x + xAt, lanes);
          if (a) xt = f32x4.add(f32x4.mul(scale, xt), shift);
          if (plus) xt = f32x4.add(xt, loadLanes(plus + at, lanes));
          const h = f32x4.add(f32x4.mul(decay, u), xt);
          const fired = f32x4.ge(h, vth);
          const s = v128.and(fired, one); // 1.0 where h >= vth
          if (spikes) storeLanes(spikes + at, s, lanes);
          if (bits) {
            const word = bits + (<usize>((t * P + p) * wpp + (c >> 5)) << 2);
            store<u32>(word, load<u32>(word) | (<u32>(i32x4.bitmask(fired) & laneBits) << <u32>(c & 31)));
          }
          u = reset(h, s, vth, hard);
        }
      }
    }
  }
}

/** The surrogate derivative g'(v), v = h - vth: kind 0 rectangular (param a), 1 sigmoid (alpha), 2 arctan (alpha). */
@inline function surrogate(kind: i32, p: f32, v: v128): v128 {
  if (kind == 0) return v128.and(f32x4.lt(f32x4.abs(v), f32x4.splat(p * 0.5)), f32x4.splat(1 / p));
  if (kind == 1) {
    const e = f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(Mathf.exp(-p * f32x4.extract_lane(v, 0))),
      1, Mathf.exp(-p * f32x4.extract_lane(v, 1))), 2, Mathf.exp(-p * f32x4.extract_lane(v, 2))), 3, Mathf.exp(-p * f32x4.extract_lane(v, 3)));
    const s = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
    return f32x4.mul(f32x4.splat(p), f32x4.mul(s, f32x4.sub(f32x4.splat(1), s)));
  }
  const q = f32x4.mul(f32x4.splat(<f32>(Math.PI / 2) * p), v);
  return f32x4.div(f32x4.splat(p * <f32>0.5), f32x4.add(f32x4.splat(1), f32x4.mul(q, q)));
}

/**
 * LIF backward through time (the formulas of lif.ts), from the forward pass's input: each neuron's membranes
 * h[t] are recomputed into dx, then overwritten by the gradient from t = T-1 down, so nothing is kept between
 * the passes. args: x, dy, T, n, decay, vth, hard, detachReset, surrogate kind, surrogate parameter (f32), dx.
 */
export function lifBackward(args: usize, tid: i32): void {
  const x = ptr(args, 0), dy = ptr(args, 1), T = arg(args, 2), n = arg(args, 3), decay = f32x4.splat(argf(args, 4));
  const vthS = argf(args, 5), hard = arg(args, 6), detach = arg(args, 7), kind = arg(args, 8), p = argf(args, 9), dx = ptr(args, 10);
  const step = <usize>n << 2;
  const vth = f32x4.splat(vthS), one = f32x4.splat(1), zero = f32x4.splat(0);
  const size = max(4, (CHUNK_VALUES / T) & ~3); // neurons a chunk, whole quads
  for (let k = nextChunk(args), count = chunks(n, size); k < count; k = nextChunk(args)) {
    const range = chunkRange(k, size, n);
    for (let i = <i32>(range >> 32), i1 = <i32>range; i < i1; i += 4) {
      const lanes = i1 - i;
      let u = zero;
      let at = <usize>i << 2;
      for (let t = 0; t < T; t++, at += step) {
        const h = f32x4.add(f32x4.mul(decay, u), loadLanes(x + at, lanes));
        storeLanes(dx + at, h, lanes);
        u = reset(h, v128.and(f32x4.ge(h, vth), one), vth, hard);
      }
      let du = zero;
      at = (<usize>(T - 1) * <usize>n + <usize>i) << 2;
      for (let t = T - 1; t >= 0; t--, at -= step) {
        const h = loadLanes(dx + at, lanes);
        const s = v128.and(f32x4.ge(h, vth), one);
        const dudS = detach ? zero : hard ? f32x4.neg(h) : f32x4.neg(vth);
        const dudH = hard ? f32x4.sub(one, s) : one;
        const ds = f32x4.add(loadLanes(dy + at, lanes), f32x4.mul(du, dudS));
        const d = f32x4.add(f32x4.mul(ds, surrogate(kind, p, f32x4.sub(h, vth))), f32x4.mul(du, dudH));
        storeLanes(dx + at, d, lanes);
        du = f32x4.mul(decay, d);
      }
    }
  }
}
