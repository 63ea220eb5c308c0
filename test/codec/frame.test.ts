import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { decodeFrame, encodeFrame, FRAME_MAX_ELEMENTS, FrameCoding, FrameError, FrameMeta, Rng } from 'spikesplit';

const CODINGS: FrameCoding[] = ['packed', 'entropy'];
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function randomSpikes(rng: Rng, count: number, rate: number): Uint8Array {
  return Uint8Array.from({ length: count }, () => (rng.next() < rate ? 1 : 0));
}

// Recomputes the CRC of a hand-edited frame with zlib, so a test can reach the checks behind the CRC.
const zlibCrc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
function resign(frame: Uint8Array): Uint8Array {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const crcAt = 12 + 4 * frame[6] + frame[7] + 4;
  const crc = zlibCrc32!(frame.subarray(crcAt + 4), zlibCrc32!(frame.subarray(0, crcAt)));
  view.setUint32(crcAt, crc, true);
  return frame;
}

function assertFrameError(run: () => unknown, field: string, message?: RegExp): void {
  assert.throws(run, (err: unknown) => {
    assert.ok(err instanceof FrameError, `expected FrameError, got ${String(err)}`);
    assert.equal(err.field, field, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

test('frame layout, byte by byte', { skip: zlibCrc32 ? false : 'zlib.crc32 not available' }, () => {
  const meta: FrameMeta = { splitPoint: 'RB3', T: 2, shape: [2, 1, 1, 3], coding: 'packed' };
  const frame = encodeFrame(Uint8Array.from([1, 0, 1, 0, 1, 1]), meta);
  const header = [
    ...[0x53, 0x50, 0x4b, 0x46], // "SPKF"
    1, // version
    0, // coding: packed
    4, // rank
    3, // name length
    ...[2, 0, 0, 0], // T
    ...[2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0], // shape
    ...[0x52, 0x42, 0x33], // "RB3"
    ...[1, 0, 0, 0], // payload length
  ];
  const payload = [0b10101100];
  const crc = zlibCrc32!(Uint8Array.from([...header, ...payload]));
  const expected = [...header, crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24, ...payload];
  assert.deepEqual(Array.from(frame), expected);
  assert.deepEqual(decodeFrame(frame), { spikes: Uint8Array.from([1, 0, 1, 0, 1, 1]), meta });
});

test('frames round-trip spikes and meta in both codings', () => {
  const rng = new Rng(21);
  for (let trial = 0; trial < 200; trial++) {
    const T = 1 + rng.int(4);
    const rank = 1 + rng.int(4);
    const shape = [T * rng.int(3), ...Array.from({ length: rank - 1 }, () => 1 + rng.int(6))];
    const rate = [0, 0.05, 0.2, 0.5, 1][trial % 5];
    const spikes = randomSpikes(rng, size(shape), rate);
    for (const coding of CODINGS) {
      const meta: FrameMeta = { splitPoint: trial % 2 ? `RB${1 + rng.int(16)}` : 'üb→split', T, shape, coding };
      const frame = encodeFrame(trial % 3 ? spikes : Float32Array.from(spikes), meta);
      assert.deepEqual(decodeFrame(frame), { spikes, meta });
      const embedded = new Uint8Array(frame.length + 5);
      embedded.set(frame, 5);
      assert.deepEqual(decodeFrame(embedded.subarray(5)), { spikes, meta }); // a view at a non-zero offset
    }
  }
});

test('decodeFrame reports the field: magic, version, truncated, extended, CRC', () => {
  const meta: FrameMeta = { splitPoint: 'RB1', T: 4, shape: [4, 4, 4, 2], coding: 'entropy' };
  const frame = encodeFrame(randomSpikes(new Rng(1), 128, 0.2), meta);
  const edit = (at: number, value: number) => {
    const copy = frame.slice();
    copy[at] = value;
    return copy;
  };
  assertFrameError(() => decodeFrame(edit(0, 0x50)), 'magic', /starts with 50 50 4b 46; expected 53 50 4b 46/);
  assertFrameError(() => decodeFrame(edit(4, 2)), 'version', /is 2; expected 1/);
  assertFrameError(() => decodeFrame(edit(5, 7)), 'coding', /is 7/);
  assertFrameError(() => decodeFrame(edit(6, 0)), 'rank', /is 0; expected 1..8/);
  assertFrameError(() => decodeFrame(edit(7, 0)), 'splitPoint', /empty/);
  assertFrameError(() => decodeFrame(new Uint8Array(0)), 'length', /is 0 bytes/);
  assertFrameError(() => decodeFrame(frame.subarray(0, 30)), 'length', /header alone needs/);
  assertFrameError(() => decodeFrame(frame.subarray(0, frame.length - 1)), 'length', /header declares/);
  assertFrameError(() => decodeFrame(Uint8Array.from([...frame, 0])), 'length', /header declares/);
  assertFrameError(() => decodeFrame(edit(frame.length - 1, frame[frame.length - 1] ^ 1)), 'crc');
  assertFrameError(() => decodeFrame(edit(8, 3)), 'T', /is 3 with shape\[0\] = 4/);
});

test(
  'checks behind the CRC: shape cap, payload length, payload and name',
  { skip: zlibCrc32 ? false : 'zlib.crc32 not available' },
  () => {
    const packed = encodeFrame(new Uint8Array(32), { splitPoint: 'RB2', T: 1, shape: [2, 4, 4], coding: 'packed' });
    const huge = packed.slice();
    new DataView(huge.buffer).setUint32(12, 2 ** 31, true); // shape [2^31, 4, 4]
    assertFrameError(() => decodeFrame(resign(huge)), 'shape', new RegExp(`expected at most ${FRAME_MAX_ELEMENTS}`));
    const wrongLength = packed.slice();
    new DataView(wrongLength.buffer).setUint32(12, 1, true); // shape [1, 4, 4]: 2 bytes, payload has 4
    assertFrameError(() => decodeFrame(resign(wrongLength)), 'payloadLength', /16 packed spikes take 2 bytes/);
    const badName = packed.slice();
    badName[24] = 0xff; // "RB2" -> "\xffB2"
    assertFrameError(() => decodeFrame(resign(badName)), 'splitPoint', /not valid UTF-8/);

    const spikes = randomSpikes(new Rng(3), 64, 0.3);
    const entropy = encodeFrame(spikes, { splitPoint: 'RB2', T: 2, shape: [2, 32], coding: 'entropy' });
    const shorter = entropy.slice(0, entropy.length - 1);
    new DataView(shorter.buffer).setUint32(23, shorter.length - 31, true); // payload length sits at 12 + 4*2 + 3
    assertFrameError(() => decodeFrame(resign(shorter)), 'payload', /consumed/);
  },
);

test('encodeFrame names the meta field it cannot frame', () => {
  const spikes = new Uint8Array(8);
  const meta: FrameMeta = { splitPoint: 'RB1', T: 2, shape: [2, 4], coding: 'packed' };
  assert.throws(() => encodeFrame(spikes, { ...meta, coding: 'zip' as FrameCoding }), /meta.coding is 'zip'/);
  assert.throws(() => encodeFrame(spikes, { ...meta, splitPoint: '' }), /meta.splitPoint "" is 0 bytes/);
  assert.throws(
    () => encodeFrame(spikes, { ...meta, splitPoint: 'x'.repeat(256) }),
    /is 256 bytes of UTF-8; expected 1..255/,
  );
  assert.throws(() => encodeFrame(spikes, { ...meta, shape: [] }), /rank 0; expected 1..8/);
  assert.throws(() => encodeFrame(spikes, { ...meta, T: 3 }), /2 rows, not a multiple of T = 3/);
  assert.throws(() => encodeFrame(spikes, { ...meta, shape: [2, 5] }), /holds 10 elements but the spike array has 8/);
  assert.throws(() => encodeFrame(Uint8Array.from([0, 0, 0, 9, 0, 0, 0, 0]), meta), /flat index 3 is 9/);
});

test('fuzz: damaged, truncated and extended frames decode exactly or throw FrameError', () => {
  const rng = new Rng(2024);
  const originals = CODINGS.flatMap((coding, k) =>
    [
      [4, 3, 3, 5],
      [8, 7],
      [2 * 3, 2, 5, 4],
    ].map((shape, j) => {
      const T = j === 2 ? 2 : shape[0];
      const spikes = randomSpikes(rng, size(shape), 0.15);
      const meta: FrameMeta = { splitPoint: `RB${k * 3 + j + 1}`, T, shape, coding };
      return { spikes, meta, frame: encodeFrame(spikes, meta) };
    }),
  );
  const counts = { decodedExactly: 0, frameError: 0 };
  const fields = new Map<string, number>();
  for (let trial = 0; trial < 12_000; trial++) {
    const { spikes, meta, frame } = originals[trial % originals.length];
    let damaged: Uint8Array;
    switch (trial % 5) {
      case 0: // random bytes replaced by different values
        damaged = frame.slice();
        for (let k = 1 + rng.int(3); k > 0; k--) damaged[rng.int(damaged.length)] ^= 1 + rng.int(255);
        break;
      case 1: // single or few bit flips
        damaged = frame.slice();
        for (let k = 1 + rng.int(2); k > 0; k--) {
          const bit = rng.int(damaged.length * 8);
          damaged[bit >> 3] ^= 1 << (bit & 7);
        }
        break;
      case 2: // truncated
        damaged = frame.slice(0, rng.int(frame.length));
        break;
      case 3: // extended by random bytes
        damaged = Uint8Array.from([...frame, ...Array.from({ length: 1 + rng.int(16) }, () => rng.int(256))]);
        break;
      default: // a header byte (the first 40) set to a random value, e.g. rank, name length, T, shape
        damaged = frame.slice();
        damaged[rng.int(Math.min(40, damaged.length))] = rng.int(256);
    }
    try {
      const decoded = decodeFrame(damaged);
      assert.deepEqual(decoded, { spikes, meta }, `trial ${trial} decoded to something else`);
      counts.decodedExactly++;
    } catch (err) {
      if (!(err instanceof FrameError)) throw new Error(`trial ${trial}: ${String(err)} is not a FrameError`);
      counts.frameError++;
      fields.set(err.field, (fields.get(err.field) ?? 0) + 1);
    }
  }
  assert.equal(counts.decodedExactly + counts.frameError, 12_000);
  assert.ok(counts.frameError > 11_000, JSON.stringify(counts)); // only the header-byte rewrites can be no-ops
  assert.ok(fields.get('crc')! > 1000 && fields.get('length')! > 1000, JSON.stringify([...fields]));
});
