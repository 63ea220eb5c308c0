import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { crc32, Rng } from 'spikesplit';

const ascii = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

test('CRC-32 check values', () => {
  assert.equal(crc32(ascii('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(crc32(ascii('The quick brown fox jumps over the lazy dog')), 0x414fa339);
  assert.equal(crc32(new Uint8Array(32)), 0x190a55ad); // 32 zero bytes
});

test('CRC-32 continues across chunks', () => {
  const data = ascii('123456789');
  assert.equal(crc32(data.subarray(4), crc32(data.subarray(0, 4))), 0xcbf43926);
});

// zlib.crc32 arrived in Node 20.15; older runtimes skip this comparison.
const zlibCrc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

test('CRC-32 matches zlib.crc32 on random buffers', { skip: zlibCrc32 ? false : 'zlib.crc32 not available' }, () => {
  const rng = new Rng(11);
  for (let trial = 0; trial < 200; trial++) {
    const data = Uint8Array.from({ length: rng.int(3000) }, () => rng.int(256));
    assert.equal(crc32(data), zlibCrc32!(data), `length ${data.length}`);
  }
});
