/**
 * How a connection authenticates, before any request is read (text messages of JSON):
 *
 *   server -> device  { "type": "challenge", "version": 3, "nonce": "<64 hex digits>" }   on connecting
 *   device -> server  { "type": "hello", "mac": "<64 hex digits>" }                        at most HELLO_MAX_BYTES
 *   server -> device  { "type": "welcome", "limits": { "maxBatch": 64, "maxBodyBytes": ..., "maxInFlight": 4 } }
 *
 * `mac` is HMAC-SHA256 keyed by the token over "spikesplit-hello-v3:" + nonce: the token itself never crosses the
 * link, and a recorded hello is worthless on another connection (a fresh random nonce each). A wrong mac gets an
 * error reply `unauthorized` and the connection is closed (1008); until a hello is accepted the server reads no
 * message over HELLO_MAX_BYTES (a larger one closes the connection with 1009 unread).
 */
import { createHash, randomBytes, timingSafeEqual } from 'crypto';
import { hmacSha256Hex } from '../util/hmac-sha256';
import { PROTOCOL_VERSION, ProtocolError } from './protocol';

/** The most a device's hello may take: its JSON is about 90 bytes. */
export const HELLO_MAX_BYTES = 256;
const NONCE_BYTES = 32;
const MAC_CONTEXT = `spikesplit-hello-v${PROTOCOL_VERSION}:`;

/** What the server admits per request on an authenticated connection; sent in the welcome. */
export interface ConnectionLimits {
  /** Images per request (and per early-exit step). */
  maxBatch: number;
  /** Largest request body read: a frame of maxBatch images, or their raw pixels. */
  maxBodyBytes: number;
  /** Requests per connection queued or computing. */
  maxInFlight: number;
}

export function newNonce(): string {
  return randomBytes(NONCE_BYTES).toString('hex');
}

/** HMAC-SHA256 in TypeScript (util/hmac-sha256.ts), not Node's crypto: the web device page computes it too. */
export function helloMac(token: string, nonce: string): string {
  return hmacSha256Hex(token, MAC_CONTEXT + nonce);
}

export function challengeMessage(nonce: string): string {
  return JSON.stringify({ type: 'challenge', version: PROTOCOL_VERSION, nonce });
}

export function helloMessage(token: string, nonce: string): string {
  return JSON.stringify({ type: 'hello', mac: helloMac(token, nonce) });
}

export function welcomeMessage(limits: ConnectionLimits): string {
  return JSON.stringify({ type: 'welcome', limits });
}

function parseObject(text: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError('malformed', `${what} is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ProtocolError('malformed', `${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

/** The server's check of a hello: throws ProtocolError('malformed' | 'unauthorized'). */
export function checkHello(data: string | Buffer, isBinary: boolean, token: string, nonce: string): void {
  if (isBinary)
    throw new ProtocolError(
      'malformed',
      'the first message is binary; expected a text hello { "type": "hello", "mac": ... }',
    );
  const h = parseObject(String(data), 'hello');
  if (h.type !== 'hello' || typeof h.mac !== 'string' || !/^[0-9a-f]{64}$/.test(h.mac)) {
    throw new ProtocolError(
      'malformed',
      `hello is ${String(data).slice(0, 80)}; expected { "type": "hello", "mac": <64 hex digits> }`,
    );
  }
  if (!timingSafeEqual(Buffer.from(h.mac, 'hex'), Buffer.from(helloMac(token, nonce), 'hex'))) {
    throw new ProtocolError('unauthorized', 'hello mac does not match the server token');
  }
}

/**
 * Whether `given` is the `expected` token, compared in constant time (of their digests): the web device page's
 * API requests (web-page.ts), which carry the token in a header rather than a hello.
 */
export function sameToken(given: string, expected: string): boolean {
  const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The device's reading of the challenge: the nonce to answer. Throws ProtocolError('malformed'). */
export function readChallenge(text: string): string {
  const c = parseObject(text, 'challenge');
  if (
    c.type !== 'challenge' ||
    c.version !== PROTOCOL_VERSION ||
    typeof c.nonce !== 'string' ||
    !/^[0-9a-f]{64}$/.test(c.nonce)
  ) {
    throw new ProtocolError(
      'malformed',
      `server's first message is ${text.slice(0, 80)}; expected a protocol ${PROTOCOL_VERSION} challenge`,
    );
  }
  return c.nonce;
}

/** The device's reading of the welcome: the server's limits. Throws ProtocolError('malformed'). */
export function readWelcome(text: string): ConnectionLimits {
  const w = parseObject(text, 'welcome');
  const l = w.limits as Record<string, unknown> | undefined;
  if (
    w.type !== 'welcome' ||
    typeof l !== 'object' ||
    l === null ||
    !['maxBatch', 'maxBodyBytes', 'maxInFlight'].every((k) => typeof l[k] === 'number')
  ) {
    throw new ProtocolError(
      'malformed',
      `server's answer to the hello is ${text.slice(0, 80)}; expected a welcome with limits`,
    );
  }
  return l as unknown as ConnectionLimits;
}
