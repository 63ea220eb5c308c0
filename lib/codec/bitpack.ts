/**
 * Bit packing: one bit per spike.
 *
 * Bit order: spikes are taken in the row-major order of the tensor; spike `i` goes to byte `i >> 3`, bit
 * `7 - (i & 7)` (MSB-first within each byte). The last byte's unused low bits are zero. So spikes
 * [1,0,0,0,0,0,0,1, 1,1] pack to [0x81, 0xC0].
 */
import { nonBinaryError, shapeSize, spikeBytes, SpikeValues } from './spikes';

/** Bytes needed to pack `count` spikes. */
export function packedByteLength(count: number): number {
  return Math.ceil(count / 8);
}

// packBits' fast path reads four spikes as one little-endian 32-bit word.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

// For words a, b holding spikes 0-3 and 4-7 (one per byte), Math.imul((a << 4) | b, GATHER) >>> 24 is the
// packed byte: every partial product lands on its own bit, so no carry disturbs bits 24..31.
const GATHER = 2 ** 27 + 2 ** 18 + 2 ** 9 + 1;

// SPREAD[byte]: the 8 bytes, in memory order, of the byte's bits MSB-first, read as one float64. Their bit
// pattern has a top byte of 0 or 1, so it is never a NaN and survives a load and store unchanged.
const SPREAD = (() => {
  const table = new Float64Array(256);
  const bytes = new Uint8Array(table.buffer);
  for (let b = 0; b < 256; b++) for (let k = 0; k < 8; k++) bytes[8 * b + k] = (b >> (7 - k)) & 1;
  return table;
})();

/**
 * Packs spikes (0/1 values, row-major) into `ceil(n / 8)` bytes, MSB-first (see the module comment). When
 * `shape` is given its product must equal the number of spikes. Throws a RangeError naming the flat index
 * of the first value that is not 0 or 1.
 */
export function packBits(spikes: SpikeValues, shape?: readonly number[]): Uint8Array {
  if (shape !== undefined) shapeSize(shape, spikes.length);
  const bits = spikes instanceof Uint8Array ? spikes : spikeBytes(spikes);
  const n = bits.length;
  const out = new Uint8Array(packedByteLength(n));
  let done = 0; // output bytes written
  if (LITTLE_ENDIAN && bits.byteOffset % 4 === 0) {
    // 32 spikes (eight words) per step, stored as one 32-bit word of four packed bytes.
    const steps = Math.floor(n / 32);
    const words = new Uint32Array(bits.buffer, bits.byteOffset, steps * 8);
    const outWords = new Uint32Array(out.buffer, 0, steps);
    let seen = 0; // OR of all words: a bit outside 0x01010101 means some value above 1
    for (let k = 0; k < steps; k++) {
      const j = 8 * k;
      const a = words[j],
        b = words[j + 1],
        c = words[j + 2],
        d = words[j + 3];
      const e = words[j + 4],
        f = words[j + 5],
        g = words[j + 6],
        h = words[j + 7];
      seen |= a | b | c | d | e | f | g | h;
      outWords[k] =
        (Math.imul((a << 4) | b, GATHER) >>> 24) |
        ((Math.imul((c << 4) | d, GATHER) >>> 24) << 8) |
        ((Math.imul((e << 4) | f, GATHER) >>> 24) << 16) |
        ((Math.imul((g << 4) | h, GATHER) >>> 24) << 24);
    }
    if ((seen & 0xfefefefe) !== 0) throw firstNonBinary(bits);
    done = 4 * steps;
  }
  for (let k = done; k < out.length; k++) {
    const end = Math.min(8 * k + 8, n);
    let byte = 0;
    for (let i = 8 * k; i < end; i++) {
      const v = bits[i];
      if (v > 1) throw nonBinaryError(i, v);
      byte |= v << (7 - (i & 7));
    }
    out[k] = byte;
  }
  return out;
}

function firstNonBinary(bits: Uint8Array): RangeError {
  let i = 0;
  while (bits[i] <= 1) i++;
  return nonBinaryError(i, bits[i]);
}

/**
 * Unpacks `count` spikes from bytes written by `packBits`: returns a Uint8Array of 0/1. Throws a RangeError
 * unless `bytes` holds exactly `ceil(count / 8)` bytes and the padding bits of the last byte are zero.
 */
export function unpackBits(bytes: Uint8Array, count: number): Uint8Array {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`unpackBits: spike count is ${count}; expected a non-negative integer`);
  }
  if (bytes.length !== packedByteLength(count)) {
    throw new RangeError(
      `unpackBits: ${count} spikes need ${packedByteLength(count)} packed bytes, got ${bytes.length}`,
    );
  }
  const whole = Math.floor(count / 8);
  const tail = count & 7;
  if (tail !== 0 && (bytes[whole] & (0xff >> tail)) !== 0) {
    throw new RangeError(
      `unpackBits: padding bits after spike ${count} are not zero (last byte 0x${bytes[whole].toString(16)})`,
    );
  }
  const out = new Uint8Array(count);
  const octets = new Float64Array(out.buffer, 0, whole);
  for (let k = 0; k < whole; k++) octets[k] = SPREAD[bytes[k]];
  for (let i = 8 * whole; i < count; i++) out[i] = (bytes[whole] >> (7 - (i & 7))) & 1;
  return out;
}
