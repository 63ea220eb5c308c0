// AssemblyScript: the spike engine's WebAssembly SIMD kernels (compiled by scripts/build-kernels.cjs).
// Every kernel has the signature (args, tid, nt): `args` points at its i32/f32 arguments in the shared memory,
// `tid` is this thread's index and `nt` the number of threads; a kernel does its own share of the work
// (contiguous rows) and writes per-thread results (counts, partial sums) to slots indexed by tid.
// Layouts: NHWC; binary inputs are bit-packed per pixel, `wpp` u32 words per pixel, bit c of word c >> 5,
// then (`lists`) a list of channel indices per pixel. The convolutions' geometry, args[0..12]:
// N, H, W, Cin, k, stride, pad, OH, OW, Cout, transposed (0: input pixel = out * stride + tap - pad;
// 1: out = in * stride + tap - pad), counts u32 [N*H*W], idx u16 [N*H*W, Cin].

/** Rows [start, end) of `rows` that thread tid of nt takes. */
@inline function share(rows: i32, tid: i32, nt: i32): i64 {
  const start = <i32>((<i64>rows * tid) / nt);
  const end = <i32>((<i64>rows * (tid + 1)) / nt);
  return (<i64>start << 32) | <i64>end;
}

@inline function arg(args: usize, i: i32): i32 {
  return load<i32>(args + (<usize>i << 2));
}

@inline function argf(args: usize, i: i32): f32 {
  return load<f32>(args + (<usize>i << 2));
}

@inline function ptr(args: usize, i: i32): usize {
  return <usize>load<u32>(args + (<usize>i << 2));
}

/**
 * pack(x f32 [pixels, C], pixels, C, wpp, bits u32 [pixels, wpp], bad i32 [nt]): bits of the values equal
 * to 1; bad[tid] counts the values that are neither 0 nor 1.
 */
export function pack(args: usize, tid: i32, nt: i32): void {
  const x = ptr(args, 0), pixels = arg(args, 1), C = arg(args, 2), wpp = arg(args, 3), bits = ptr(args, 4);
  const badOut = ptr(args, 5);
  const range = share(pixels, tid, nt);
  const p0 = <i32>(range >> 32), p1 = <i32>range;
  const one = f32x4.splat(1), zero = f32x4.splat(0);
  let bad: i32 = 0;
  for (let p = p0; p < p1; p++) {
    const row = x + (<usize>p * <usize>C << 2);
    const out = bits + (<usize>p * <usize>wpp << 2);
    for (let w = 0; w < wpp; w++) {
      let word: u32 = 0;
      const c0 = w << 5;
      const c1 = min(C, c0 + 32);
      let c = c0;
      for (; c + 4 <= c1; c += 4) {
        const v = v128.load(row + (<usize>c << 2));
        const isOne = f32x4.eq(v, one);
        const isBin = v128.or(isOne, f32x4.eq(v, zero));
        bad += 4 - popcnt<i32>(i32x4.bitmask(isBin));
        word |= <u32>i32x4.bitmask(isOne) << <u32>(c - c0);
      }
      for (; c < c1; c++) {
        const v = load<f32>(row + (<usize>c << 2));
        if (v == 1) word |= <u32>1 << <u32>(c - c0);
        else if (v != 0) bad++;
      }
      store<u32>(out + (<usize>w << 2), word);
    }
  }
  store<i32>(badOut + (<usize>tid << 2), bad);
}

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

/**
 * lists(bits u32 [pixels, wpp], pixels, wpp, Cin, counts u32 [pixels], idx u16 [pixels, Cin]): each pixel's
 * spikes as a list of channel indices, so the convolutions decode every pixel's bits once, not once per tap.
 */
export function lists(args: usize, tid: i32, nt: i32): void {
  const bits = ptr(args, 0), pixels = arg(args, 1), wpp = arg(args, 2), Cin = arg(args, 3), counts = ptr(args, 4), idx = ptr(args, 5);
  const range = share(pixels, tid, nt);
  for (let p = <i32>(range >> 32), p1 = <i32>range; p < p1; p++) {
    const px = bits + (<usize>p * <usize>wpp << 2);
    const list = idx + (<usize>p * <usize>Cin << 1);
    let n: i32 = 0;
    for (let j = 0; j < wpp; j++) {
      let word = load<u32>(px + (<usize>j << 2));
      while (word != 0) {
        store<u16>(list + (<usize>n << 1), <u16>((j << 5) + <i32>ctz<u32>(word)));
        n++;
        word &= word - 1;
      }
    }
    store<u32>(counts + (<usize>p << 2), n);
  }
}

/**
 * Accumulate-only forward: out[n, oh, ow, :] = sum over taps and the spikes c of the input pixel each tap
 * reads of w[tap, c, :] (w [k, k, Cin, Cout]). args: the geometry and the input's spike lists (`geometry`),
 * then w (13), out (14), acs f64 [nt] (15): acs[tid] counts the accumulates executed (spikes met x Cout).
 * Output channels go 32 at a time (eight v128 accumulators), then 4, then 1.
 */
export function convForward(args: usize, tid: i32, nt: i32): void {
  const N = arg(args, 0), H = arg(args, 1), W = arg(args, 2), Cin = arg(args, 3), k = arg(args, 4), stride = arg(args, 5);
  const pad = arg(args, 6), OH = arg(args, 7), OW = arg(args, 8), Cout = arg(args, 9), transposed = arg(args, 10);
  const counts = ptr(args, 11), idx = ptr(args, 12), w = ptr(args, 13), out = ptr(args, 14), acsOut = ptr(args, 15);
  const range = share(N * OH, tid, nt);
  const r0 = <i32>(range >> 32), r1 = <i32>range;
  const rowBytes = <usize>Cout << 2;
  const tapBytes = <usize>Cin * rowBytes;
  const listBytes = <usize>Cin << 1;
  let met: i64 = 0; // spikes met, summed over output pixels and taps
  for (let r = r0; r < r1; r++) {
    const n = r / OH, oh = r % OH;
    for (let ow = 0; ow < OW; ow++) {
      const o = out + (<usize>(r * OW + ow) * rowBytes);
      for (let kh = 0; kh < k; kh++) {
        const ih = source(oh, kh, stride, pad, H, transposed);
        if (ih < 0) continue;
        for (let kw = 0; kw < k; kw++) {
          const iw = source(ow, kw, stride, pad, W, transposed);
          if (iw >= 0) met += <i64>load<u32>(counts + (<usize>((n * H + ih) * W + iw) << 2));
        }
      }
      let co = 0;
      for (; co + 32 <= Cout; co += 32) {
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
        let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
        for (let kh = 0; kh < k; kh++) {
          const ih = source(oh, kh, stride, pad, H, transposed);
          if (ih < 0) continue;
          for (let kw = 0; kw < k; kw++) {
            const iw = source(ow, kw, stride, pad, W, transposed);
            if (iw < 0) continue;
            const p = (n * H + ih) * W + iw;
            const cnt = load<u32>(counts + (<usize>p << 2));
            const list = idx + <usize>p * listBytes;
            const wt = w + <usize>(kh * k + kw) * tapBytes + (<usize>co << 2);
            for (let j: u32 = 0; j < cnt; j++) {
              const row = wt + <usize>load<u16>(list + (<usize>j << 1)) * rowBytes;
              a0 = f32x4.add(a0, v128.load(row)); a1 = f32x4.add(a1, v128.load(row, 16));
              a2 = f32x4.add(a2, v128.load(row, 32)); a3 = f32x4.add(a3, v128.load(row, 48));
              a4 = f32x4.add(a4, v128.load(row, 64)); a5 = f32x4.add(a5, v128.load(row, 80));
              a6 = f32x4.add(a6, v128.load(row, 96)); a7 = f32x4.add(a7, v128.load(row, 112));
            }
          }
        }
        const dst = o + (<usize>co << 2);
        v128.store(dst, a0); v128.store(dst, a1, 16); v128.store(dst, a2, 32); v128.store(dst, a3, 48);
        v128.store(dst, a4, 64); v128.store(dst, a5, 80); v128.store(dst, a6, 96); v128.store(dst, a7, 112);
      }
      for (; co + 4 <= Cout; co += 4) {
        let a = f32x4.splat(0);
        for (let kh = 0; kh < k; kh++) {
          const ih = source(oh, kh, stride, pad, H, transposed);
          if (ih < 0) continue;
          for (let kw = 0; kw < k; kw++) {
            const iw = source(ow, kw, stride, pad, W, transposed);
            if (iw < 0) continue;
            const p = (n * H + ih) * W + iw;
            const cnt = load<u32>(counts + (<usize>p << 2));
            const list = idx + <usize>p * listBytes;
            const wt = w + <usize>(kh * k + kw) * tapBytes + (<usize>co << 2);
            for (let j: u32 = 0; j < cnt; j++) a = f32x4.add(a, v128.load(wt + <usize>load<u16>(list + (<usize>j << 1)) * rowBytes));
          }
        }
        v128.store(o + (<usize>co << 2), a);
      }
      for (; co < Cout; co++) {
        let a: f32 = 0;
        for (let kh = 0; kh < k; kh++) {
          const ih = source(oh, kh, stride, pad, H, transposed);
          if (ih < 0) continue;
          for (let kw = 0; kw < k; kw++) {
            const iw = source(ow, kw, stride, pad, W, transposed);
            if (iw < 0) continue;
            const p = (n * H + ih) * W + iw;
            const cnt = load<u32>(counts + (<usize>p << 2));
            const list = idx + <usize>p * listBytes;
            const wt = w + <usize>(kh * k + kw) * tapBytes + (<usize>co << 2);
            for (let j: u32 = 0; j < cnt; j++) a += load<f32>(wt + <usize>load<u16>(list + (<usize>j << 1)) * rowBytes);
          }
        }
        store<f32>(o + (<usize>co << 2), a);
      }
    }
  }
  store<f64>(acsOut + (<usize>tid << 3), <f64>(met * <i64>Cout));
}

/**
 * Accumulate-only filter gradient: dw[tap, c, :] += dy[n, oh, ow, :] for every spike c of the input pixel that
 * output pixel (n, oh, ow) reads through tap. args: the geometry and spike lists (`geometry`), then dy (13),
 * partial sums (14): thread tid writes its own [k, k, Cin, Cout] block (padded to a multiple of 4 floats) at
 * partial + tid * block; acs f64 [nt] (15). `reduce` then sums the blocks.
 */
export function filterGrad(args: usize, tid: i32, nt: i32): void {
  const N = arg(args, 0), H = arg(args, 1), W = arg(args, 2), Cin = arg(args, 3), k = arg(args, 4), stride = arg(args, 5);
  const pad = arg(args, 6), OH = arg(args, 7), OW = arg(args, 8), Cout = arg(args, 9), transposed = arg(args, 10);
  const counts = ptr(args, 11), idx = ptr(args, 12), dy = ptr(args, 13), partial = ptr(args, 14), acsOut = ptr(args, 15);
  const rowBytes = <usize>Cout << 2;
  const tapBytes = <usize>Cin * rowBytes;
  const listBytes = <usize>Cin << 1;
  const blockBytes = <usize>((k * k * Cin * Cout + 3) >> 2) << 4; // padded to whole v128s, as reduce reads them
  const dw = partial + <usize>tid * blockBytes;
  memory.fill(dw, 0, blockBytes);
  const range = share(N * OH, tid, nt);
  const r0 = <i32>(range >> 32), r1 = <i32>range;
  const vec = Cout & ~3;
  let met: i64 = 0;
  for (let r = r0; r < r1; r++) {
    const n = r / OH, oh = r % OH;
    for (let ow = 0; ow < OW; ow++) {
      const g = dy + (<usize>(r * OW + ow) * rowBytes);
      for (let kh = 0; kh < k; kh++) {
        const ih = source(oh, kh, stride, pad, H, transposed);
        if (ih < 0) continue;
        for (let kw = 0; kw < k; kw++) {
          const iw = source(ow, kw, stride, pad, W, transposed);
          if (iw < 0) continue;
          const p = (n * H + ih) * W + iw;
          const cnt = load<u32>(counts + (<usize>p << 2));
          met += <i64>cnt;
          const list = idx + <usize>p * listBytes;
          const wt = dw + <usize>(kh * k + kw) * tapBytes;
          for (let j: u32 = 0; j < cnt; j++) {
            const row = wt + <usize>load<u16>(list + (<usize>j << 1)) * rowBytes;
            let co = 0;
            for (; co < vec; co += 4) {
              const at = row + (<usize>co << 2);
              v128.store(at, f32x4.add(v128.load(at), v128.load(g + (<usize>co << 2))));
            }
            for (; co < Cout; co++) {
              const at = row + (<usize>co << 2);
              store<f32>(at, load<f32>(at) + load<f32>(g + (<usize>co << 2)));
            }
          }
        }
      }
    }
  }
  store<f64>(acsOut + (<usize>tid << 3), <f64>(met * <i64>Cout));
}

/** reduce(partial f32 [blocks, size padded to 4], blocks, size): partial[0, i] = sum over blocks b of partial[b, i]. */
export function reduce(args: usize, tid: i32, nt: i32): void {
  const partial = ptr(args, 0), blocks = arg(args, 1), size = arg(args, 2);
  const quads = (size + 3) >> 2; // blocks are padded to a multiple of 4 floats
  const range = share(quads, tid, nt);
  const q0 = <i32>(range >> 32), q1 = <i32>range;
  const stride = <usize>(quads << 2) << 2;
  for (let q = q0; q < q1; q++) {
    const at = partial + (<usize>q << 4);
    let s = v128.load(at);
    for (let b = 1; b < blocks; b++) s = f32x4.add(s, v128.load(at + <usize>b * stride));
    v128.store(at, s);
  }
}

/**
 * LIF over T steps from rest (lif.ts): x f32 [T, n] -> spikes f32 [T, n]. args: x, T, n, decay (f32),
 * vth (f32), hard (1) or soft (0) reset, spikes.
 */
export function lifForward(args: usize, tid: i32, nt: i32): void {
  const x = ptr(args, 0), T = arg(args, 1), n = arg(args, 2), decay = argf(args, 3), vth = argf(args, 4), hard = arg(args, 5);
  const spikes = ptr(args, 6);
  const range = share((n + 3) >> 2, tid, nt);
  const i0 = <i32>(range >> 32) << 2, i1 = min(n, <i32>range << 2);
  const step = <usize>n << 2;
  const vdecay = f32x4.splat(decay), vvth = f32x4.splat(vth), one = f32x4.splat(1);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    let u = f32x4.splat(0);
    let at = <usize>i << 2;
    for (let t = 0; t < T; t++, at += step) {
      const h = f32x4.add(f32x4.mul(vdecay, u), v128.load(x + at));
      const s = v128.and(f32x4.ge(h, vvth), one); // 1.0 where h >= vth
      v128.store(spikes + at, s);
      u = hard ? f32x4.mul(h, f32x4.sub(one, s)) : f32x4.sub(h, f32x4.mul(vvth, s));
    }
  }
  for (; i < i1; i++) {
    let u: f32 = 0;
    let at = <usize>i << 2;
    for (let t = 0; t < T; t++, at += step) {
      const h = decay * u + load<f32>(x + at);
      const s: f32 = h >= vth ? 1 : 0;
      store<f32>(spikes + at, s);
      u = hard ? h * (1 - s) : h - vth * s;
    }
  }
}

/** The surrogate derivative g'(v), v = h - vth: 0 rectangular (param a), 1 sigmoid (alpha), 2 arctan (alpha). */
@inline function surrogate(kind: i32, p: f32, v: f32): f32 {
  if (kind == 0) return Mathf.abs(v) < p * 0.5 ? 1 / p : 0;
  if (kind == 1) {
    const s: f32 = <f32>1 / (<f32>1 + Mathf.exp(-p * v));
    return p * s * (<f32>1 - s);
  }
  const q = <f32>(Math.PI / 2) * p * v;
  return p * <f32>0.5 / (<f32>1 + q * q);
}

/**
 * LIF backward through time (the formulas of lif.ts), from the forward pass's input: each neuron's membranes
 * h[t] are recomputed into dx, then overwritten by the gradient from t = T-1 down, so nothing is kept between
 * the passes. args: x, dy, T, n, decay, vth, hard, detachReset, surrogate kind, surrogate parameter (f32), dx.
 */
export function lifBackward(args: usize, tid: i32, nt: i32): void {
  const x = ptr(args, 0), dy = ptr(args, 1), T = arg(args, 2), n = arg(args, 3), decay = argf(args, 4), vth = argf(args, 5);
  const hard = arg(args, 6), detach = arg(args, 7), kind = arg(args, 8), p = argf(args, 9), dx = ptr(args, 10);
  const range = share(n, tid, nt);
  const i0 = <i32>(range >> 32), i1 = <i32>range;
  const step = <usize>n << 2;
  for (let i = i0; i < i1; i++) {
    let u: f32 = 0;
    let at = <usize>i << 2;
    for (let t = 0; t < T; t++, at += step) {
      const h = decay * u + load<f32>(x + at);
      const s: f32 = h >= vth ? 1 : 0;
      store<f32>(dx + at, h);
      u = hard ? h * (1 - s) : h - vth * s;
    }
    let du: f32 = 0;
    at = (<usize>(T - 1) * <usize>n + <usize>i) << 2;
    for (let t = T - 1; t >= 0; t--, at -= step) {
      const h = load<f32>(dx + at);
      const s: f32 = h >= vth ? 1 : 0;
      const dudS: f32 = detach ? 0 : hard ? -h : -vth;
      const dudH: f32 = hard ? 1 - s : 1;
      const d = (load<f32>(dy + at) + du * dudS) * surrogate(kind, p, h - vth) + du * dudH;
      store<f32>(dx + at, d);
      du = decay * d;
    }
  }
}
