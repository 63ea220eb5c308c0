/**
 * The co-inference wire protocol, over WebSocket.
 *
 * A request is one binary message (integers little-endian):
 *
 *   offset  size  field
 *   0       4     magic           ASCII "SSRQ"
 *   4       1     version         PROTOCOL_VERSION (1)
 *   5       2     header length H u16, 2..MAX_HEADER_BYTES
 *   7       H     header          UTF-8 JSON: { "id": u32, "token": string, "mode": "split" | "raw", "shape"?: [B, H, W, C] }
 *   7+H     rest  body            mode "split": one codec frame (lib/codec/frame.ts);
 *                                 mode "raw": the model's input [B, H, W, C] as float32 little-endian, `shape` given
 *
 * A reply is one text message of JSON, matched to its request by `id` (replies may come out of order):
 *
 *   { "id": 7, "ok": true, "predictions": [3, 1], "logits": [[...10 values], ...], "steps": 2,
 *     "server": { "queueMs": 0.1, "decodeMs": 0.2, "computeMs": 4.1 } }
 *   { "id": 7 | null, "ok": false, "error": { "code": "frame", "field": "version", "message": "bad frame version: ..." } }
 *
 * `id` is null only when the request's header could not be read. `server` times are the server's own clocks:
 * waiting for the compute queue, decoding the frame (or the raw tensor), and running its part (logits included).
 */
export const PROTOCOL_VERSION = 1;
export const REQUEST_MAGIC = 'SSRQ';
export const MAX_HEADER_BYTES = 1024;
const MAGIC_BYTES = Uint8Array.from(REQUEST_MAGIC, (ch) => ch.charCodeAt(0));
const PREFIX_BYTES = 7;

/** split: the device ran its part and sends a frame; raw: the device sends the input and the server runs all. */
export const REQUEST_MODES = ['split', 'raw'] as const;
export type RequestMode = (typeof REQUEST_MODES)[number];

export interface RequestHeader {
  id: number;
  token: string;
  mode: RequestMode;
  /** Raw mode: the input's shape [B, H, W, C]. */
  shape?: number[];
}

export interface ProtocolRequest {
  header: RequestHeader;
  body: Uint8Array;
}

/** What the server measured for one request, in its own clock. */
export interface ServerTiming {
  queueMs: number;
  decodeMs: number;
  computeMs: number;
}

export interface SuccessReply {
  id: number;
  ok: true;
  /** Predicted class per image. */
  predictions: number[];
  /** Logits averaged over the steps, `[B][classes]`. */
  logits: number[][];
  /** Time steps the server ran. */
  steps: number;
  server: ServerTiming;
}

/**
 * What was wrong: `malformed` (the message or its header), `unauthorized` (token), `frame` (the codec frame,
 * `field` as FrameError names it), `mismatch` (a well-formed frame or tensor this model does not take),
 * `oversized` (body over the server's maxFrameBytes), `unsupported` (a mode this server was not given the
 * model for), `busy` (the connection's in-flight cap), `shutting-down`, `internal`.
 */
export const PROTOCOL_ERROR_CODES = ['malformed', 'unauthorized', 'frame', 'mismatch', 'oversized', 'unsupported', 'busy', 'shutting-down', 'internal'] as const;
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

export interface ErrorReply {
  id: number | null;
  ok: false;
  error: { code: ProtocolErrorCode; field?: string; message: string };
}

export type ProtocolReply = SuccessReply | ErrorReply;

/** A message that does not follow this protocol; `code` is what an error reply would say. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    readonly id: number | null = null,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export function encodeRequest(header: RequestHeader, body: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  if (json.length > MAX_HEADER_BYTES) throw new RangeError(`request header is ${json.length} bytes of JSON; expected at most ${MAX_HEADER_BYTES}`);
  const message = new Uint8Array(PREFIX_BYTES + json.length + body.length);
  message.set(MAGIC_BYTES, 0);
  message[4] = PROTOCOL_VERSION;
  new DataView(message.buffer).setUint16(5, json.length, true);
  message.set(json, PREFIX_BYTES);
  message.set(body, PREFIX_BYTES + json.length);
  return message;
}

/** Reads a request; throws ProtocolError('malformed') naming what is wrong. The body is a view, not a copy. */
export function decodeRequest(message: Uint8Array): ProtocolRequest {
  const bad = (what: string, id: number | null = null) => new ProtocolError('malformed', `request ${what}`, id);
  if (message.length < PREFIX_BYTES) throw bad(`is ${message.length} bytes; expected at least ${PREFIX_BYTES} before the header`);
  if (!MAGIC_BYTES.every((b, k) => message[k] === b)) throw bad(`does not start with "${REQUEST_MAGIC}"`);
  if (message[4] !== PROTOCOL_VERSION) throw bad(`protocol version is ${message[4]}; expected ${PROTOCOL_VERSION}`);
  const length = new DataView(message.buffer, message.byteOffset, message.byteLength).getUint16(5, true);
  if (length < 2 || length > MAX_HEADER_BYTES || PREFIX_BYTES + length > message.length) {
    throw bad(`header length is ${length} in a ${message.length}-byte message; expected 2..${MAX_HEADER_BYTES} bytes that fit`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(message.subarray(PREFIX_BYTES, PREFIX_BYTES + length)));
  } catch (err) {
    throw bad(`header is not UTF-8 JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('header is not a JSON object');
  const h = parsed as Record<string, unknown>;
  if (typeof h.id !== 'number' || !Number.isInteger(h.id) || h.id < 0 || h.id > 0xffffffff) throw bad(`header id is ${JSON.stringify(h.id)}; expected an integer in [0, 2^32)`);
  const id = h.id;
  if (typeof h.token !== 'string') throw bad(`header token is ${JSON.stringify(h.token)}; expected a string`, id);
  if (!(REQUEST_MODES as readonly unknown[]).includes(h.mode)) throw bad(`header mode is ${JSON.stringify(h.mode)}; expected one of ${REQUEST_MODES.join(', ')}`, id);
  const mode = h.mode as RequestMode;
  const header: RequestHeader = { id, token: h.token, mode };
  if (mode === 'raw') {
    const shape = h.shape;
    if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)) {
      throw bad(`header shape is ${JSON.stringify(shape)}; raw mode expects [B, H, W, C] of positive integers`, id);
    }
    header.shape = shape as number[];
  } else if (h.shape !== undefined) {
    throw bad('header has a shape; only raw mode sends one (a frame describes itself)', id);
  }
  return { header, body: message.subarray(PREFIX_BYTES + length) };
}

/** Reads a reply; throws ProtocolError('malformed') if it is not one. */
export function decodeReply(text: string): ProtocolReply {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError('malformed', `reply is not JSON: ${(err as Error).message}`);
  }
  const r = parsed as { id?: unknown; ok?: unknown; predictions?: unknown; logits?: unknown; server?: unknown; error?: { code?: unknown } } | null;
  if (typeof r !== 'object' || r === null || (r.id !== null && typeof r.id !== 'number') || typeof r.ok !== 'boolean') {
    throw new ProtocolError('malformed', `reply ${text.slice(0, 80)} lacks a numeric or null id and a boolean ok`);
  }
  const complete = r.ok ? Array.isArray(r.predictions) && Array.isArray(r.logits) && typeof r.server === 'object' : typeof r.error?.code === 'string';
  if (!complete) {
    throw new ProtocolError('malformed', `reply ${text.slice(0, 80)} lacks ${r.ok ? 'predictions, logits or server timing' : 'an error code'}`, r.id as number | null);
  }
  return r as ProtocolReply;
}
