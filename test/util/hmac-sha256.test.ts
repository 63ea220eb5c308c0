// The TypeScript SHA-256 and HMAC-SHA256 (what the web device page signs its hello with) against Node's crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { helloMac, hmacSha256, hmacSha256Hex, newNonce, PROTOCOL_VERSION, sha256 } from 'spikesplit';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

test('sha256 equals Node for every length across the padding and block boundaries', () => {
  for (let length = 0; length <= 200; length++) {
    const message = randomBytes(length);
    assert.equal(hex(sha256(message)), createHash('sha256').update(message).digest('hex'), `${length} bytes`);
  }
  assert.equal(
    hex(sha256(new TextEncoder().encode('abc'))),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    'FIPS 180-2 example',
  );
});

test('hmacSha256 equals Node for keys shorter than, as long as and longer than a block', () => {
  for (const keyLength of [0, 1, 20, 63, 64, 65, 131]) {
    for (const messageLength of [0, 1, 55, 56, 64, 119, 300]) {
      const key = randomBytes(keyLength);
      const message = randomBytes(messageLength);
      assert.equal(
        hex(hmacSha256(key, message)),
        createHmac('sha256', key).update(message).digest('hex'),
        `key ${keyLength} B, message ${messageLength} B`,
      );
    }
  }
  // RFC 4231 test case 2
  assert.equal(
    hmacSha256Hex('Jefe', 'what do ya want for nothing?'),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  );
});

test('the hello mac is Node HMAC-SHA256 of the token over the protocol context and nonce, UTF-8 tokens included', () => {
  for (const token of ['secret-token-1', 'ü-tökén-🔑', 'x'.repeat(100)]) {
    const nonce = newNonce();
    assert.equal(
      helloMac(token, nonce),
      createHmac('sha256', token).update(`spikesplit-hello-v${PROTOCOL_VERSION}:${nonce}`, 'utf8').digest('hex'),
    );
  }
});
