// AssemblyScript: binary spike tensors, bit-packed per pixel (`wpp` u32 words per pixel, bit c of word
// c >> 5), then decoded once into a list of channel indices per pixel, which the convolutions read.
import { arg, chunkRange, chunks, nextChunk, ptr } from './common';

/** Pixels a chunk of pack and lists. */
const CHUNK_PIXELS = 256;

/**
 * pack(x f32 [pixels, C], pixels, C, wpp, bits u32 [pixels, wpp], bad f64 [threads]): bits of the values
 * equal to 1; bad[tid] (zeroed by the caller) gains the values that are neither 0 nor 1.
 */
export function pack(args: usize, tid: i32): void {
  const x = ptr(args, 0), pixels = arg(args, 1), C = arg(args, 2), wpp = arg(args, 3), bits = ptr(args, 4);
  const badOut = ptr(args, 5);
  const one = f32x4.splat(1), zero = f32x4.splat(0);
  let bad: i32 = 0;
  for (let k = nextChunk(args), count = chunks(pixels, CHUNK_PIXELS); k < count; k = nextChunk(args)) {
    const range = chunkRange(k, CHUNK_PIXELS, pixels);
    for (let p = <i32>(range >> 32), p1 = <i32>range; p < p1; p++) {
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
  }
  const slot = badOut + (<usize>tid << 3);
  store<f64>(slot, load<f64>(slot) + <f64>bad);
}

/**
 * lists(bits u32 [pixels, wpp], pixels, wpp, Cin, counts u32 [pixels], idx u16 [pixels, Cin]): each pixel's
 * spikes as a list of channel indices, so the convolutions decode every pixel's bits once, not once per tap.
 */
export function lists(args: usize, tid: i32): void {
  const bits = ptr(args, 0), pixels = arg(args, 1), wpp = arg(args, 2), Cin = arg(args, 3), counts = ptr(args, 4), idx = ptr(args, 5);
  for (let k = nextChunk(args), count = chunks(pixels, CHUNK_PIXELS); k < count; k = nextChunk(args)) {
    const range = chunkRange(k, CHUNK_PIXELS, pixels);
    for (let p = <i32>(range >> 32), p1 = <i32>range; p < p1; p++) {
      const px = bits + (<usize>p * <usize>wpp << 2);
      const list = idx + (<usize>p * <usize>Cin << 1);
      let m: i32 = 0;
      for (let j = 0; j < wpp; j++) {
        let word = load<u32>(px + (<usize>j << 2));
        while (word != 0) {
          store<u16>(list + (<usize>m << 1), <u16>((j << 5) + <i32>ctz<u32>(word)));
          m++;
          word &= word - 1;
        }
      }
      store<u32>(counts + (<usize>p << 2), m);
    }
  }
}

