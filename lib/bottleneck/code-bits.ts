/**
 * b-bit integer codes as bits, so the codec's bit packing and frames carry them: code `i` becomes bits
 * `[i*b, (i+1)*b)`, most significant bit first. `packBits` of these bits is the plain b-bit packing of the
 * codes (MSB-first, no padding between codes): codes [5, 3, 0, 7] at 3 bits are 101 011 000 111, the bytes
 * [0xAC, 0x70]. A DNN feature frame is a frame of shape `[B, h', w', c', b]`: the feature tensor with one more
 * axis holding each code's bits.
 */
import { checkBitWidth } from './quantize';

/** Codes in [0, 2^bitWidth) -> `codes.length * bitWidth` bits (0/1), MSB first per code. */
export function codesToBits(codes: ArrayLike<number>, bitWidth: number): Uint8Array {
  checkBitWidth(bitWidth);
  const limit = 2 ** bitWidth;
  const bits = new Uint8Array(codes.length * bitWidth);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (!Number.isInteger(code) || code < 0 || code >= limit) {
      throw new RangeError(
        `code at index ${i} is ${code}; expected an integer in [0, ${limit - 1}] for ${bitWidth}-bit codes`,
      );
    }
    for (let k = 0; k < bitWidth; k++) bits[i * bitWidth + k] = (code >> (bitWidth - 1 - k)) & 1;
  }
  return bits;
}

/** The inverse of `codesToBits`: bits (0/1, a multiple of bitWidth of them) -> codes. */
export function bitsToCodes(bits: Uint8Array, bitWidth: number): Int32Array {
  checkBitWidth(bitWidth);
  if (bits.length % bitWidth !== 0)
    throw new RangeError(`${bits.length} bits are not a whole number of ${bitWidth}-bit codes`);
  const codes = new Int32Array(bits.length / bitWidth);
  for (let i = 0; i < codes.length; i++) {
    let code = 0;
    for (let k = 0; k < bitWidth; k++) code = (code << 1) | bits[i * bitWidth + k];
    codes[i] = code;
  }
  return codes;
}
