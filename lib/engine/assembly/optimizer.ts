// AssemblyScript: one optimiser step of one parameter, in place, with the f32 operations in the order of
// lib/train/optimizer.ts's tensor ops, so that both give the same weights to the bit.
import { arg, argf, chunkRange, chunks, nextChunk, ptr } from './common';

/** Quads of floats a chunk. */
const CHUNK_QUADS = 4096;

/**
 * optimizerStep(w, g, s1, s2 f32 [n], n, kind, lr, decay, c0..c6): updates the weights w and the state s1
 * (SGD: the momentum buffer; Adam: the first moment m) and s2 (Adam: the second moment v) from the gradient g,
 * which first gets decay * w added (L2 weight decay; decay 0: none).
 * kind 0, SGD: c0 momentum, c1 nesterov (0 or 1): s1 = s1 * c0 + g; w -= (nesterov ? g + s1 * c0 : s1) * lr.
 * kind 1, Adam: c0 beta1, c1 1 - beta1, c2 beta2, c3 1 - beta2, c4 1 - beta1^t, c5 1 - beta2^t, c6 epsilon:
 * m = m * beta1 + g * (1 - beta1); v = v * beta2 + g^2 * (1 - beta2); w -= (m / c4) / (sqrt(v / c5) + eps) * lr.
 */
export function optimizerStep(args: usize, tid: i32): void {
  const w = ptr(args, 0), g = ptr(args, 1), s1 = ptr(args, 2), s2 = ptr(args, 3), n = arg(args, 4), kind = arg(args, 5);
  const lr = f32x4.splat(argf(args, 6)), decay = argf(args, 7), hasDecay = decay != 0;
  const wd = f32x4.splat(decay);
  const c0 = f32x4.splat(argf(args, 8)), c1 = f32x4.splat(argf(args, 9)), c2 = f32x4.splat(argf(args, 10));
  const c3 = f32x4.splat(argf(args, 11)), c4 = f32x4.splat(argf(args, 12)), c5 = f32x4.splat(argf(args, 13));
  const c6 = f32x4.splat(argf(args, 14)), nesterov = argf(args, 9) != 0;
  // Quads of floats; the arena pads every array to 16 bytes, so the last quad's extra lanes are scratch.
  const quads = (n + 3) >> 2;
  for (let k = nextChunk(args), count = chunks(quads, CHUNK_QUADS); k < count; k = nextChunk(args)) {
    const range = chunkRange(k, CHUNK_QUADS, quads);
    for (let q = <i32>(range >> 32), q1 = <i32>range; q < q1; q++) {
      const at = <usize>q << 4;
      const wv = v128.load(w + at);
      let gv = v128.load(g + at);
      if (hasDecay) gv = f32x4.add(gv, f32x4.mul(wv, wd));
      let step: v128;
      if (kind == 0) {
        const next = f32x4.add(f32x4.mul(v128.load(s1 + at), c0), gv);
        v128.store(s1 + at, next);
        step = nesterov ? f32x4.add(gv, f32x4.mul(next, c0)) : next;
      } else {
        const m = f32x4.add(f32x4.mul(v128.load(s1 + at), c0), f32x4.mul(gv, c1));
        const v = f32x4.add(f32x4.mul(v128.load(s2 + at), c2), f32x4.mul(f32x4.mul(gv, gv), c3));
        v128.store(s1 + at, m);
        v128.store(s2 + at, v);
        step = f32x4.div(f32x4.div(m, c4), f32x4.add(f32x4.sqrt(f32x4.div(v, c5)), c6));
      }
      v128.store(w + at, f32x4.sub(wv, f32x4.mul(step, lr)));
    }
  }
}
