/**
 * Lossless entropy coding of spike tensors: adaptive binary arithmetic coding, each spike coded in a context
 * of the previous time step and already-coded neighbours (context.ts). Sparse tensors cost about
 * H(firing rate) bits per spike value; tensors correlated in time cost less.
 *
 * The arithmetic coder is a range coder in the style of LZMA's: a 32-bit range renormalised a byte at a
 * time, carries resolved through a held-back byte and a run of 0xFF bytes. Its first output byte is always
 * 0 and is not stored, so the stream is (renormalisations + 4) bytes and the decoder consumes exactly that.
 *
 * Probabilities: each context keeps P(0) in 1/65536 units. It adapts like a running frequency over its
 * first symbols (steps 1/2, 1/4, 1/4, 1/8, ... as it sees 1, 2, 3, 4, ... symbols) and then as an
 * exponential average with step 1/2^MAX_SHIFT, which costs about 1 / (2^(MAX_SHIFT+1) * 2 ln 2) = 0.003 bits
 * per symbol over the ideal on stationary input.
 */
import { NO_PREVIOUS, SPIKE_CONTEXTS, spikeContext, timeMajorLayout, TimeMajorLayout } from './context';
import { shapeSize, spikeBytes, SpikeValues } from './spikes';

const PROB_BITS = 16;
const PROB_ONE = 2 ** PROB_BITS;
const MAX_SHIFT = 7;
const SEEN_BITS = MAX_SHIFT;
const SEEN_LIMIT = 2 ** SEEN_BITS - 1; // the step stops shrinking after this many symbols
// SHIFT[n]: the adaptation step is 1/2^SHIFT[n] after n symbols in the context.
const SHIFT = Uint8Array.from({ length: SEEN_LIMIT + 1 }, (_, n) =>
  Math.min(MAX_SHIFT, 1 + Math.floor(Math.log2(n + 1))),
);
const TOP = 2 ** 24; // the range is renormalised by a byte whenever it falls below this
const FLUSH_BYTES = 5;

/** The encoder's output: each byte is held back until no carry can reach it any more. */
class ByteSink {
  private out: Uint8Array;
  private pos = 0;
  private cache = 0; // the last byte not yet written: a carry may still increment it
  private pending = 1; // bytes held back: the cache, then pending - 1 bytes of 0xFF

  constructor(expectedBytes: number) {
    this.out = new Uint8Array(Math.max(16, expectedBytes));
  }

  /** Takes the top byte of `low` (bits 24..31, with a carry in bit 32). */
  shift(low: number): void {
    if (low < 0xff000000 || low >= 2 ** 32) {
      const carry = low >= 2 ** 32 ? 1 : 0;
      this.write(this.cache + carry);
      for (; this.pending > 1; this.pending--) this.write((0xff + carry) & 0xff);
      this.cache = (low >>> 24) & 0xff;
    } else {
      this.pending++;
    }
  }

  private write(byte: number): void {
    if (this.pos === this.out.length) {
      const grown = new Uint8Array(this.out.length * 2);
      grown.set(this.out);
      this.out = grown;
    }
    this.out[this.pos++] = byte;
  }

  /** The bytes written, without the leading 0 every stream starts with. */
  bytes(): Uint8Array {
    return this.out.slice(1, this.pos);
  }
}

/**
 * Runs the coder over the whole tensor in one direction. Encoding (`input` null) reads `bits` and returns
 * the stream; decoding fills `bits` from `input` and returns how many bytes it consumed (reading zeros past
 * the end). Both directions share this walk, so they see the same contexts and probabilities by
 * construction. The coder state lives in locals: this loop is the codec's hot path.
 */
function runCoder(layout: TimeMajorLayout, bits: Uint8Array, input: Uint8Array | null): Uint8Array | number {
  const { rows, height, width, channels, stepSize } = layout;
  const rowStride = width * channels; // from (y, x, c) to (y + 1, x, c)
  // Per context: P(0) in 1/65536 units << SEEN_BITS | symbols seen (saturating at SEEN_LIMIT).
  const model = new Int32Array(SPIKE_CONTEXTS).fill((PROB_ONE / 2) << SEEN_BITS);
  const decoding = input !== null;
  const sink = new ByteSink(decoding ? 0 : Math.ceil(bits.length / 16) + 16); // unused when decoding
  const inputLength = decoding ? input.length : 0;
  let range = 0xffffffff;
  let low = 0; // encoder: bottom of the interval, may carry into bit 32
  let code = 0; // decoder: position of the stream inside the interval
  let pos = 0; // decoder: next input byte
  if (decoding) {
    for (; pos < 4; pos++) code = code * 256 + (pos < inputLength ? input[pos] : 0);
  }
  let i = 0;
  for (let r = 0; r < rows; r++) {
    const hasPrevious = i >= stepSize;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let bit = 0; // the spike just coded, i.e. the previous channel's (0 before channel 0)
        for (let c = 0; c < channels; c++) {
          const ctx = spikeContext(
            hasPrevious ? bits[i - stepSize] : NO_PREVIOUS,
            x > 0 ? bits[i - channels] : 0,
            y > 0 ? bits[i - rowStride] : 0,
            bit,
          );
          const state = model[ctx];
          const p = state >>> SEEN_BITS;
          const n = state & SEEN_LIMIT;
          const nextSeen = n + ((n - SEEN_LIMIT) >>> 31); // n + 1, saturating
          const bound = (range >>> PROB_BITS) * p;
          if (decoding) {
            bit = code < bound ? 0 : 1;
            bits[i] = bit;
          } else {
            bit = bits[i];
          }
          if (bit === 0) {
            range = bound;
            model[ctx] = ((p + ((PROB_ONE - p) >> SHIFT[n])) << SEEN_BITS) | nextSeen;
          } else {
            range -= bound;
            if (decoding) code -= bound;
            else low += bound;
            model[ctx] = ((p - (p >> SHIFT[n])) << SEEN_BITS) | nextSeen;
          }
          while (range < TOP) {
            range *= 256;
            if (decoding) {
              code = (code * 256 + (pos < inputLength ? input[pos] : 0)) >>> 0;
              pos++;
            } else {
              sink.shift(low);
              low = (low & 0xffffff) * 256;
            }
          }
          i++;
        }
      }
    }
  }
  if (decoding) return pos;
  for (let k = 0; k < FLUSH_BYTES; k++) {
    sink.shift(low);
    low = (low & 0xffffff) * 256;
  }
  return sink.bytes();
}

/**
 * Entropy-codes a time-major spike tensor of `shape` (`[T*B, H, W, C]`, or another rank as context.ts
 * reads it) with T time steps. Throws a RangeError for a value other than 0/1 (naming its index) or a
 * shape that does not fit the spikes or T.
 */
export function entropyEncode(spikes: SpikeValues, shape: readonly number[], T: number): Uint8Array {
  const layout = timeMajorLayout(shape, T);
  shapeSize(shape, spikes.length);
  return runCoder(layout, spikeBytes(spikes), null) as Uint8Array;
}

/**
 * Decodes bytes written by `entropyEncode` with the same shape and T into a Uint8Array of 0/1. Throws a
 * RangeError if decoding does not consume the stream exactly (a truncated, extended or foreign stream).
 * Damage inside a stream is not always detectable here; the frame's CRC catches it.
 */
export function entropyDecode(bytes: Uint8Array, shape: readonly number[], T: number): Uint8Array {
  const layout = timeMajorLayout(shape, T);
  const bits = new Uint8Array(shapeSize(shape));
  const consumed = runCoder(layout, bits, bytes) as number;
  if (consumed !== bytes.length) {
    throw new RangeError(
      `entropy-coded stream has ${bytes.length} bytes but decoding ${shape.join('x')} spikes consumed ${consumed}`,
    );
  }
  return bits;
}

/** Binary entropy H(p) = -p log2 p - (1-p) log2 (1-p), in bits; 0 at p = 0 and p = 1. */
export function binaryEntropyBits(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability is ${p}; expected a number in [0, 1]`);
  if (p === 0 || p === 1) return 0;
  return -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
}

/** How well `entropyEncode` did on one tensor, beside the bound for independent spikes at its firing rate. */
export interface EntropyCodingStats {
  elementCount: number; // spike values in the tensor, 0 or 1
  firingRate: number; // fraction of the values that are 1
  codedBytes: number; // length of the entropy-coded stream
  bitsPerElement: number; // codedBytes * 8 / elementCount
  shannonBitsPerElement: number; // H(firingRate): the bound for independent spikes at that rate
}

/** Entropy-codes the tensor and reports its bits per spike value beside H(firing rate). */
export function entropyCodingStats(spikes: SpikeValues, shape: readonly number[], T: number): EntropyCodingStats {
  const codedBytes = entropyEncode(spikes, shape, T).length;
  let ones = 0;
  for (let i = 0; i < spikes.length; i++) ones += spikes[i];
  const elementCount = spikes.length;
  const firingRate = elementCount === 0 ? 0 : ones / elementCount;
  return {
    elementCount,
    firingRate,
    codedBytes,
    bitsPerElement: elementCount === 0 ? 0 : (codedBytes * 8) / elementCount,
    shannonBitsPerElement: binaryEntropyBits(firingRate),
  };
}
