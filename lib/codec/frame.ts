/**
 * Frames: one spike tensor on the wire, self-describing and checked.
 *
 * Layout (integers little-endian; R = rank, L = byte length of the split point name, P = payload length):
 *
 *   offset      size  field
 *   0           4     magic          ASCII "SPKF" (0x53 0x50 0x4B 0x46)
 *   4           1     version        1
 *   5           1     coding         0 = packed (packBits), 1 = entropy (entropyEncode)
 *   6           1     rank R         1..8
 *   7           1     name length L  1..255
 *   8           4     T              u32, >= 1, divides shape[0]
 *   12          4R    shape          R x u32, the full tensor shape, e.g. [T*B, h, w, c]
 *   12+4R       L     split point    UTF-8 name, e.g. "RB3"
 *   12+4R+L     4     payload length u32 P
 *   16+4R+L     4     CRC-32         of bytes [0, 16+4R+L) followed by the payload (crc32.ts)
 *   20+4R+L     P     payload
 *
 * A frame is exactly 20 + 4R + L + P bytes. `decodeFrame` checks every field before allocating, caps the
 * tensor at FRAME_MAX_ELEMENTS, checks the CRC before decoding the payload, and reports any problem as a
 * FrameError naming the field.
 */
import { packBits, packedByteLength, unpackBits } from './bitpack';
import { timeMajorLayout } from './context';
import { crc32 } from './crc32';
import { entropyDecode, entropyEncode } from './entropy';
import { shapeSize, SpikeValues } from './spikes';

export type FrameCoding = 'packed' | 'entropy';

/** What a frame says about its tensor. */
export interface FrameMeta {
  splitPoint: string; // the model's split point name, e.g. "RB3"
  T: number; // time steps; shape[0] is T*B
  shape: number[]; // the full tensor shape, time-major, e.g. [T*B, h, w, c]
  coding: FrameCoding;
}

export interface DecodedFrame {
  spikes: Uint8Array; // 0/1, row-major in meta.shape
  meta: FrameMeta;
}

/** The frame field a FrameError is about. `length` covers truncated and over-long frames. */
export type FrameField =
  | 'length'
  | 'magic'
  | 'version'
  | 'coding'
  | 'rank'
  | 'splitPoint'
  | 'T'
  | 'shape'
  | 'payloadLength'
  | 'crc'
  | 'payload';

/** A frame that cannot be decoded; `field` names the part found wrong. */
export class FrameError extends Error {
  constructor(
    readonly field: FrameField,
    message: string,
  ) {
    super(`bad frame ${field}: ${message}`);
    this.name = 'FrameError';
  }
}

export const FRAME_MAGIC = 'SPKF';
export const FRAME_VERSION = 1;
/** Largest tensor a frame may hold, in spike values (128 MiB once decoded). */
export const FRAME_MAX_ELEMENTS = 2 ** 27;
const MAX_RANK = 8;
const MAX_NAME_BYTES = 255;
const U32_MAX = 0xffffffff;
const CODINGS: readonly FrameCoding[] = ['packed', 'entropy'];
const MAGIC_BYTES = Uint8Array.from(FRAME_MAGIC, (ch) => ch.charCodeAt(0));
const FIXED_BYTES = 12; // magic .. T
const TRAILER_BYTES = 8; // payload length and CRC after the name
/** The longest a frame's header can be: everything before the payload at rank 8 and a 255-byte name. */
export const FRAME_MAX_HEADER_BYTES = FIXED_BYTES + 4 * MAX_RANK + MAX_NAME_BYTES + TRAILER_BYTES;

/**
 * Encodes spikes (0/1, row-major in `meta.shape`) as one frame. Throws a RangeError naming the meta field
 * that cannot be framed (or the index of a non-binary value).
 */
export function encodeFrame(spikes: SpikeValues, meta: FrameMeta): Uint8Array {
  const { splitPoint, T, shape, coding } = meta;
  const codingIndex = CODINGS.indexOf(coding);
  if (codingIndex < 0) throw new RangeError(`frame meta.coding is '${coding}'; expected one of ${CODINGS.join(', ')}`);
  if (shape.length < 1 || shape.length > MAX_RANK) {
    throw new RangeError(`frame meta.shape has rank ${shape.length}; expected 1..${MAX_RANK}`);
  }
  timeMajorLayout(shape, T);
  const count = shapeSize(shape, spikes.length);
  if (T > U32_MAX || shape.some((d) => d > U32_MAX)) {
    throw new RangeError(`frame meta.T and meta.shape must fit in 32 bits; got T = ${T}, shape [${shape.join(', ')}]`);
  }
  if (count > FRAME_MAX_ELEMENTS) {
    throw new RangeError(
      `frame tensor has ${count} spike values; expected at most FRAME_MAX_ELEMENTS = ${FRAME_MAX_ELEMENTS}`,
    );
  }
  const name = new TextEncoder().encode(splitPoint);
  if (name.length < 1 || name.length > MAX_NAME_BYTES || new TextDecoder().decode(name) !== splitPoint) {
    throw new RangeError(
      `frame meta.splitPoint ${JSON.stringify(splitPoint)} is ${name.length} bytes of UTF-8; expected 1..${MAX_NAME_BYTES} bytes of well-formed text`,
    );
  }
  const payload = coding === 'packed' ? packBits(spikes) : entropyEncode(spikes, shape, T);

  const crcAt = FIXED_BYTES + 4 * shape.length + name.length + 4;
  const frame = new Uint8Array(crcAt + 4 + payload.length);
  const view = new DataView(frame.buffer);
  frame.set(MAGIC_BYTES, 0);
  frame[4] = FRAME_VERSION;
  frame[5] = codingIndex;
  frame[6] = shape.length;
  frame[7] = name.length;
  view.setUint32(8, T, true);
  shape.forEach((d, k) => view.setUint32(FIXED_BYTES + 4 * k, d, true));
  frame.set(name, FIXED_BYTES + 4 * shape.length);
  view.setUint32(crcAt - 4, payload.length, true);
  frame.set(payload, crcAt + 4);
  view.setUint32(crcAt, crc32(payload, crc32(frame.subarray(0, crcAt))), true);
  return frame;
}

/** A frame's header, checked: its meta, the payload (a view) and the CRC the header declares. */
interface FrameHeader {
  meta: FrameMeta;
  count: number; // spike values in meta.shape
  payload: Uint8Array;
  crcAt: number;
}

/**
 * Reads and checks a frame's header (every field but the CRC, which needs the payload read) without touching
 * the payload: what a receiver checks against its limits before decoding anything. Throws FrameError naming
 * the field for anything `decodeFrame` would refuse before its CRC check, and for input that is not bytes.
 */
export function readFrameMeta(bytes: Uint8Array): FrameMeta {
  return readHeader(bytes).meta;
}

function readHeader(input: unknown): FrameHeader {
  const { bytes, coding, rank, nameLength } = readFixedFields(input);
  const nameAt = FIXED_BYTES + 4 * rank;
  const crcAt = nameAt + nameLength + 4;
  const payloadAt = crcAt + 4;
  if (bytes.length < payloadAt) {
    throw new FrameError('length', `frame is ${bytes.length} bytes; its header alone needs ${payloadAt}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const T = view.getUint32(8, true);
  const shape = Array.from({ length: rank }, (_, k) => view.getUint32(FIXED_BYTES + 4 * k, true));
  const count = checkShape(shape, T);
  const splitPoint = readSplitPoint(bytes.subarray(nameAt, nameAt + nameLength));
  const payloadLength = view.getUint32(crcAt - 4, true);
  if (bytes.length !== payloadAt + payloadLength) {
    throw new FrameError(
      'length',
      `frame is ${bytes.length} bytes; its header declares ${payloadAt + payloadLength} (payload ${payloadLength})`,
    );
  }
  checkPayloadLength(coding, payloadLength, count);
  return { meta: { splitPoint, T, shape, coding }, count, payload: bytes.subarray(payloadAt), crcAt };
}

/** The frame's bytes and its fixed-size fields, checked with the magic: the coding, the shape's rank, the name's length. */
function readFixedFields(bytes: unknown): { bytes: Uint8Array; coding: FrameCoding; rank: number; nameLength: number } {
  if (!(bytes instanceof Uint8Array)) {
    const kind =
      bytes === null ? 'null' : typeof bytes === 'object' ? (bytes.constructor?.name ?? 'object') : typeof bytes;
    throw new FrameError('length', `frame is ${kind}; expected a Uint8Array of bytes`);
  }
  if (bytes.length < FIXED_BYTES) {
    throw new FrameError('length', `frame is ${bytes.length} bytes; expected at least ${FIXED_BYTES + TRAILER_BYTES}`);
  }
  for (let k = 0; k < MAGIC_BYTES.length; k++) {
    if (bytes[k] !== MAGIC_BYTES[k]) {
      throw new FrameError(
        'magic',
        `starts with ${hex(bytes.subarray(0, 4))}; expected ${hex(MAGIC_BYTES)} ("${FRAME_MAGIC}")`,
      );
    }
  }
  if (bytes[4] !== FRAME_VERSION) throw new FrameError('version', `is ${bytes[4]}; expected ${FRAME_VERSION}`);
  const coding = CODINGS[bytes[5]];
  if (coding === undefined) throw new FrameError('coding', `is ${bytes[5]}; expected 0 (packed) or 1 (entropy)`);
  const rank = bytes[6];
  if (rank < 1 || rank > MAX_RANK) throw new FrameError('rank', `is ${rank}; expected 1..${MAX_RANK}`);
  const nameLength = bytes[7];
  if (nameLength < 1) throw new FrameError('splitPoint', 'name is empty; expected 1..255 bytes');
  return { bytes, coding, rank, nameLength };
}

/** The spike values in `shape`, checked against FRAME_MAX_ELEMENTS and against `T` dividing its first dim. */
function checkShape(shape: number[], T: number): number {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > FRAME_MAX_ELEMENTS) {
    throw new FrameError(
      'shape',
      `[${shape.join(', ')}] holds ${count} spike values; expected at most ${FRAME_MAX_ELEMENTS}`,
    );
  }
  if (T < 1 || shape[0] % T !== 0) {
    throw new FrameError('T', `is ${T} with shape[0] = ${shape[0]}; expected T >= 1 dividing shape[0]`);
  }
  return count;
}

/** The split point's name, which must be UTF-8. */
function readSplitPoint(name: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(name);
  } catch {
    throw new FrameError('splitPoint', `name bytes ${hex(name)} are not valid UTF-8`);
  }
}

/** A payload of the length its coding needs for `count` spikes. */
function checkPayloadLength(coding: FrameCoding, payloadLength: number, count: number): void {
  if (coding === 'packed' && payloadLength !== packedByteLength(count)) {
    throw new FrameError(
      'payloadLength',
      `is ${payloadLength}; ${count} packed spikes take ${packedByteLength(count)} bytes`,
    );
  }
  if (coding === 'entropy' && payloadLength < 4) {
    throw new FrameError('payloadLength', `is ${payloadLength}; an entropy-coded payload has at least 4 bytes`);
  }
}

/**
 * Decodes a frame written by `encodeFrame`. Throws FrameError (naming the field) for any input that is not
 * bytes, and any frame that is truncated, too long, of another magic or version, inconsistent, over
 * FRAME_MAX_ELEMENTS, or damaged (CRC mismatch); it never returns a tensor the CRC does not vouch for.
 */
export function decodeFrame(bytes: Uint8Array): DecodedFrame {
  const { meta, count, payload, crcAt } = readHeader(bytes);
  const expectedCrc = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(crcAt, true);
  const actualCrc = crc32(payload, crc32(bytes.subarray(0, crcAt)));
  if (actualCrc !== expectedCrc) {
    throw new FrameError('crc', `frame says 0x${expectedCrc.toString(16)}, its bytes give 0x${actualCrc.toString(16)}`);
  }
  let spikes: Uint8Array;
  try {
    spikes = meta.coding === 'packed' ? unpackBits(payload, count) : entropyDecode(payload, meta.shape, meta.T);
  } catch (err) {
    if (err instanceof RangeError) throw new FrameError('payload', err.message);
    throw err;
  }
  return { spikes, meta };
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
