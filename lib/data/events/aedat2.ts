/**
 * jAER AEDAT 2.0 files with the DVS128 address layout: the container of the original CIFAR10-DVS recordings
 * (and of MNIST-DVS).
 *
 * Byte layout:
 * - Header: ASCII lines that start with '#' and end with CRLF (jAER) or LF. The first line is `#!AER-DAT2.0`.
 *   There is no end-of-header line: the header ends at the first line that does not start with '#'. A DVS128
 *   address is below 0x10000, so the first body byte (the address's most significant byte) is 0x00 and can never
 *   be taken for '#'.
 * - Body: one 8-byte record per event, big-endian: uint32 address, then uint32 timestamp in microseconds.
 * - DVS128 address: bit 0 = polarity (0 = ON, 1 = OFF: jAER, dat2mat.m, SpikingJelly `1 - p`), bits 1-7 = raw x
 *   `(a >> 1) & 0x7F`, bits 8-14 = raw y `(a >> 8) & 0x7F`, bit 15 = external (synchronisation) event, which jAER
 *   does not treat as a pixel event: this reader drops it and counts it in `externalEventCount`.
 *
 * Orientation (how raw x/y become the stream's column x and row y, 127 = sensor size - 1):
 * - 'spikingjelly' (default): x = 127 - raw y, y = 127 - raw x. SpikingJelly's `CIFAR10DVS.load_origin_data`
 *   (also tonic's .aedat CIFAR10DVS loader) returns exactly this, citing jackd/events-tfds PR #1: with it the
 *   CIFAR10-DVS frames come out upright, so networks trained through SpikingJelly see the same pixels.
 * - 'dat2mat': x = 127 - raw x, y = raw y, which SpikingJelly's comment says reproduces the dataset authors'
 *   dat2mat.m (jAER's own x flip); the CIFAR10-DVS images then appear transposed.
 * - 'raw': x = raw x, y = raw y, the bits as stored.
 * Each mapping is its own inverse, so the writer applies the same function to go back to raw bits.
 */
import { assertEventStream, EventStream } from './stream';

export type Dvs128Orientation = 'spikingjelly' | 'dat2mat' | 'raw';

export interface Aedat2Header {
  /** The version from the first line, e.g. '2.0' for `#!AER-DAT2.0`. */
  version: string;
  /** Header lines as stored, without their CRLF/LF, each starting with '#'. */
  lines: string[];
  /** Length of the header in bytes: the offset of the first event. */
  byteLength: number;
  /** The jAER chip class from a `# AEChip: <class>` line, when the header has one. */
  chipClass?: string;
  /** Milliseconds since 1970 from a `# Creation time: System.currentTimeMillis() <ms>` line, when present. */
  creationTimeMs?: number;
}

export interface Aedat2Recording extends EventStream {
  header: Aedat2Header;
  /** Records with bit 15 (external event) set; they are not in x/y/p/t. */
  externalEventCount: number;
}

export interface Aedat2Options {
  /** Raw address bits to (x, y); default 'spikingjelly'. */
  orientation?: Dvs128Orientation;
}

export interface Aedat2WriteOptions extends Aedat2Options {
  /** Header lines (without line ends); the first must be `#!AER-DAT2.0`. Default: jAER's four standard lines. */
  headerLines?: string[];
}

const DVS128_SIZE_PX = 128;
const RECORD_BYTES = 8;
const VERSION_PREFIX = '#!AER-DAT';
const VERSION_LINE = '#!AER-DAT2.0';
const HASH = 0x23;
const CR = 0x0d;
const LF = 0x0a;
const EXTERNAL_EVENT_BIT = 0x8000;
const MAX_TIMESTAMP_US = 0xffffffff;
const DVS128_CHIP = /(DVS128|Tmpdiff128)/i;
const DEFAULT_HEADER_LINES = [
  VERSION_LINE,
  '# This is a raw AE data file - do not edit',
  '# Data format is int32 address, int32 timestamp (8 bytes total), repeated for each event',
  '# Timestamps tick is 1 us',
];

/** Column from raw bits and, the mapping being an involution, raw x from a column and row. */
function orientX(orientation: Dvs128Orientation, a: number, b: number): number {
  switch (orientation) {
    case 'spikingjelly':
      return DVS128_SIZE_PX - 1 - b;
    case 'dat2mat':
      return DVS128_SIZE_PX - 1 - a;
    case 'raw':
      return a;
  }
}

/** Row from raw bits and, the mapping being an involution, raw y from a column and row. */
function orientY(orientation: Dvs128Orientation, a: number, b: number): number {
  switch (orientation) {
    case 'spikingjelly':
      return DVS128_SIZE_PX - 1 - a;
    case 'dat2mat':
    case 'raw':
      return b;
  }
}

function checkOrientation(orientation: string, where: string): void {
  if (orientation !== 'spikingjelly' && orientation !== 'dat2mat' && orientation !== 'raw') {
    throw new RangeError(
      `${where}: orientation '${orientation}' is unknown; expected 'spikingjelly', 'dat2mat' or 'raw'`,
    );
  }
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Parses the '#' header lines of an AEDAT file (any version line), stopping at the first byte that is not '#'. */
export function readAedat2Header(bytes: Uint8Array): Aedat2Header {
  const lines: string[] = [];
  let pos = 0;
  while (pos < bytes.length && bytes[pos] === HASH) {
    const lf = bytes.indexOf(LF, pos);
    if (lf < 0) {
      throw new RangeError(
        `AEDAT header line ${lines.length + 1} (from byte ${pos}) has no line end before the end of the file; ` +
          'expected every header line to end with CRLF or LF (truncated header?)',
      );
    }
    lines.push(latin1(bytes, pos, lf > pos && bytes[lf - 1] === CR ? lf - 1 : lf));
    pos = lf + 1;
  }
  if (lines.length === 0 || !lines[0].startsWith(VERSION_PREFIX)) {
    const found = lines.length === 0 ? `byte 0x${(bytes[0] ?? 0).toString(16)}` : `'${lines[0].slice(0, 40)}'`;
    throw new RangeError(
      `AEDAT header: expected a first line '${VERSION_LINE}', found ${bytes.length === 0 ? 'an empty file' : found}`,
    );
  }
  const header: Aedat2Header = { version: lines[0].slice(VERSION_PREFIX.length).trim(), lines, byteLength: pos };
  for (const line of lines) {
    const chip = /^#\s*AEChip:\s*(\S+)/.exec(line);
    if (chip) header.chipClass = chip[1];
    const created = /^#\s*Creation time:.*?(\d+)\s*$/.exec(line);
    if (created) header.creationTimeMs = Number(created[1]);
  }
  return header;
}

/**
 * Reads an AEDAT 2.0 DVS128 recording. Sensor size 128x128, t as stored (uint32 µs, usually non-decreasing).
 * Throws on another AEDAT version, a chip class other than DVS128, or a body that is not whole 8-byte records.
 */
export function readAedat2(bytes: Uint8Array, options: Aedat2Options = {}): Aedat2Recording {
  const orientation = options.orientation ?? 'spikingjelly';
  checkOrientation(orientation, 'readAedat2');
  const header = readAedat2Header(bytes);
  if (header.version !== '2.0') {
    throw new RangeError(`readAedat2: the file is AEDAT version ${header.version}; expected 2.0 ('${VERSION_LINE}')`);
  }
  if (header.chipClass !== undefined && !DVS128_CHIP.test(header.chipClass)) {
    throw new RangeError(
      `readAedat2: the header names chip ${header.chipClass}; expected a DVS128 (its address layout is the only one decoded here)`,
    );
  }
  const bodyBytes = bytes.length - header.byteLength;
  if (bodyBytes % RECORD_BYTES !== 0) {
    throw new RangeError(
      `readAedat2: the ${bodyBytes}-byte body after the ${header.byteLength}-byte header ends in a truncated event ` +
        `(${bodyBytes % RECORD_BYTES} trailing bytes); expected whole ${RECORD_BYTES}-byte records (uint32 address, uint32 timestamp)`,
    );
  }
  const records = bodyBytes / RECORD_BYTES;
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.byteLength, bodyBytes);
  const x = new Uint16Array(records);
  const y = new Uint16Array(records);
  const p = new Uint8Array(records);
  const t = new Float64Array(records);
  let n = 0;
  for (let r = 0; r < records; r++) {
    const address = view.getUint32(r * RECORD_BYTES, false);
    if (address & EXTERNAL_EVENT_BIT) continue;
    const rawX = (address >>> 1) & 0x7f;
    const rawY = (address >>> 8) & 0x7f;
    x[n] = orientX(orientation, rawX, rawY);
    y[n] = orientY(orientation, rawX, rawY);
    p[n] = 1 - (address & 1);
    t[n] = view.getUint32(r * RECORD_BYTES + 4, false);
    n++;
  }
  return {
    x: x.slice(0, n),
    y: y.slice(0, n),
    p: p.slice(0, n),
    t: t.slice(0, n),
    width: DVS128_SIZE_PX,
    height: DVS128_SIZE_PX,
    header,
    externalEventCount: records - n,
  };
}

/**
 * Writes events as an AEDAT 2.0 DVS128 file (CRLF header lines, then big-endian address/timestamp records),
 * the inverse of `readAedat2` with the same orientation. Needs x, y < 128 and whole-µs t in [0, 2^32).
 */
export function writeAedat2(stream: EventStream, options: Aedat2WriteOptions = {}): Uint8Array {
  const orientation = options.orientation ?? 'spikingjelly';
  checkOrientation(orientation, 'writeAedat2');
  assertEventStream(stream, 'writeAedat2');
  const headerLines = options.headerLines ?? DEFAULT_HEADER_LINES;
  if (headerLines[0] !== VERSION_LINE) {
    throw new RangeError(`writeAedat2: header line 1 is '${headerLines[0]}'; expected '${VERSION_LINE}'`);
  }
  headerLines.forEach((line, i) => {
    if (!line.startsWith('#') || /[\r\n]/.test(line) || /[^\x00-\xff]/.test(line)) {
      throw new RangeError(
        `writeAedat2: header line ${i + 1} '${line.slice(0, 40)}' is invalid; expected a single Latin-1 line starting with '#'`,
      );
    }
  });
  const headerText = headerLines.map((line) => `${line}\r\n`).join('');
  const n = stream.x.length;
  const bytes = new Uint8Array(headerText.length + n * RECORD_BYTES);
  for (let i = 0; i < headerText.length; i++) bytes[i] = headerText.charCodeAt(i);
  const view = new DataView(bytes.buffer, headerText.length);
  for (let i = 0; i < n; i++) {
    const { x, y, p, t } = stream;
    if (x[i] >= DVS128_SIZE_PX || y[i] >= DVS128_SIZE_PX) {
      throw new RangeError(
        `writeAedat2: event ${i} at (x ${x[i]}, y ${y[i]}) is off the DVS128; expected x, y < ${DVS128_SIZE_PX}`,
      );
    }
    if (!Number.isInteger(t[i]) || t[i] < 0 || t[i] > MAX_TIMESTAMP_US) {
      throw new RangeError(
        `writeAedat2: event ${i} has timestamp ${t[i]}; expected whole microseconds in [0, ${MAX_TIMESTAMP_US}]`,
      );
    }
    const rawX = orientX(orientation, x[i], y[i]);
    const rawY = orientY(orientation, x[i], y[i]);
    view.setUint32(i * RECORD_BYTES, (rawY << 8) | (rawX << 1) | (1 - p[i]), false);
    view.setUint32(i * RECORD_BYTES + 4, t[i], false);
  }
  return bytes;
}
