/**
 * The ATIS "N-dataset" binary of N-Caltech101 and N-MNIST (Orchard et al. 2015): no header, 5 bytes (40 bits)
 * per event.
 *
 * Byte layout of one event:
 * - byte 0: x (uint8)
 * - byte 1: y (uint8)
 * - byte 2 bit 7: polarity, 1 = ON, 0 = OFF
 * - bytes 2-4: t = ((b2 & 0x7F) << 16) | (b3 << 8) | b4, a 23-bit timestamp in microseconds
 *
 * Timestamp overflow, as in Garrick Orchard's loader (gorchard/event-Python `eventvision.py`, `read_dataset`) and in
 * tonic's `read_mnist_file`, which is adapted from it: an event with y == 240 is a marker, not a pixel event; every event from the marker on
 * gets 2^13 µs added per marker so far, and the marker is dropped. (2^13 is what those loaders add, although a
 * 23-bit counter would wrap at 2^23 µs; the recordings last about 0.3 s, far below either, so markers are rare.)
 * Coordinates are used as stored (x column, y row), as all those loaders do.
 */
import { assertEventStream, EventStream } from './stream';

export interface AtisRecording extends EventStream {
  /** y == 240 markers found (and removed); each added 2^13 µs to the later timestamps. */
  overflowMarkerCount: number;
}

export interface AtisReadOptions {
  /** The sensor size; events outside it throw. Default: max x + 1 by max y + 1, as Orchard's loader does. */
  sensorSize?: { width: number; height: number };
}

const EVENT_BYTES = 5;
const OVERFLOW_MARKER_Y = 240;
const OVERFLOW_INCREMENT_US = 2 ** 13;
const MAX_STORED_TIMESTAMP_US = 2 ** 23 - 1;
const MAX_X = 255;

/** Reads an ATIS 40-bit event file; t is in whole µs after overflow correction. */
export function readAtisBin(bytes: Uint8Array, options: AtisReadOptions = {}): AtisRecording {
  if (bytes.length % EVENT_BYTES !== 0) {
    throw new RangeError(
      `readAtisBin: ${bytes.length} bytes end in a truncated event (${bytes.length % EVENT_BYTES} trailing bytes); ` +
        `expected whole ${EVENT_BYTES}-byte events`,
    );
  }
  const records = bytes.length / EVENT_BYTES;
  const x = new Uint16Array(records);
  const y = new Uint16Array(records);
  const p = new Uint8Array(records);
  const t = new Float64Array(records);
  let n = 0;
  let offsetUs = 0;
  let maxX = -1;
  let maxY = -1;
  for (let r = 0; r < records; r++) {
    const b = r * EVENT_BYTES;
    if (bytes[b + 1] === OVERFLOW_MARKER_Y) {
      offsetUs += OVERFLOW_INCREMENT_US;
      continue;
    }
    x[n] = bytes[b];
    y[n] = bytes[b + 1];
    p[n] = bytes[b + 2] >> 7;
    t[n] = (((bytes[b + 2] & 0x7f) << 16) | (bytes[b + 3] << 8) | bytes[b + 4]) + offsetUs;
    maxX = Math.max(maxX, x[n]);
    maxY = Math.max(maxY, y[n]);
    n++;
  }
  const recording: AtisRecording = {
    x: x.slice(0, n),
    y: y.slice(0, n),
    p: p.slice(0, n),
    t: t.slice(0, n),
    width: options.sensorSize?.width ?? maxX + 1,
    height: options.sensorSize?.height ?? maxY + 1,
    overflowMarkerCount: records - n,
  };
  assertEventStream(recording, 'readAtisBin');
  return recording;
}

/**
 * Writes events in the ATIS 40-bit layout, the inverse of `readAtisBin`. Needs x <= 255, y < 240 (240 marks an
 * overflow), whole-µs non-decreasing t >= 0; a timestamp beyond 2^23 - 1 µs is reached by inserting y == 240
 * markers (x 0, polarity 0, stored t 0), each worth 2^13 µs.
 */
export function writeAtisBin(stream: EventStream): Uint8Array {
  assertEventStream(stream, 'writeAtisBin');
  const { x, y, p, t } = stream;
  const chunks: number[] = [];
  let offsetUs = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] > MAX_X || y[i] >= OVERFLOW_MARKER_Y) {
      throw new RangeError(
        `writeAtisBin: event ${i} at (x ${x[i]}, y ${y[i]}) cannot be stored; expected x <= ${MAX_X} and y < ${OVERFLOW_MARKER_Y} ` +
          `(y ${OVERFLOW_MARKER_Y} marks a timestamp overflow)`,
      );
    }
    if (!Number.isInteger(t[i]) || t[i] < 0 || (i > 0 && t[i] < t[i - 1])) {
      throw new RangeError(
        `writeAtisBin: event ${i} has timestamp ${t[i]}${i > 0 ? ` after ${t[i - 1]}` : ''}; ` +
          'expected whole microseconds >= 0, non-decreasing',
      );
    }
    while (t[i] - offsetUs > MAX_STORED_TIMESTAMP_US) {
      chunks.push(0, OVERFLOW_MARKER_Y, 0, 0, 0);
      offsetUs += OVERFLOW_INCREMENT_US;
    }
    const stored = t[i] - offsetUs;
    chunks.push(x[i], y[i], (p[i] << 7) | (stored >> 16), (stored >> 8) & 0xff, stored & 0xff);
  }
  return Uint8Array.from(chunks);
}
