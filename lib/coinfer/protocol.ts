/**
 * The co-inference wire protocol, over WebSocket (ws://, or wss:// with TLS).
 *
 * A connection first authenticates (handshake.ts: the server's challenge, the device's hello, the server's
 * welcome); every later message is a request. A request is one binary message (integers little-endian):
 *
 *   offset  size  field
 *   0       4     magic           ASCII "SSRQ"
 *   4       1     version         PROTOCOL_VERSION (3)
 *   5       2     header length H u16, 2..MAX_HEADER_BYTES
 *   7       H     header          UTF-8 JSON: { "id": u32, "mode": "split" | "raw" | "steps",
 *                                 "shape"?: [B, H, W, C], "step"?: k, "exit"?: { "threshold": x, "confidence": "max-softmax" | "margin" } }
 *   7+H     rest  body            mode "split": one codec frame (lib/codec/frame.ts) of everything the device sends;
 *                                 mode "raw": the input image pixels [B, H, W, C] as uint8 (`shape` given); the
 *                                   server normalises them as the data pipeline does (raw offload);
 *                                 mode "steps" (early exit): one codec frame of sent step k only, [B, h', w', c'] with T = 1
 *
 * Mode "steps" sends one request's sent steps k = 0, 1, ... as separate messages under the same id, each after
 * the reply to the one before; the server keeps the steps received, runs its part on them (recomputing over all
 * of them, model-ends.ts), keeps the running mean of the per-step logits, and applies NeuCODEX's exit rule
 * (lib/neucodex/early-exit.ts, with the header's `exit`, checked after whole sent steps). Its reply says per
 * image the prediction, the model steps used and the confidence so far, and `exit.done`: every image has exited
 * (or the last step arrived); then the server forgets the request and the device sends no more steps.
 *
 * A reply is one text message of JSON, matched to its request by `id` (replies may come out of order):
 *
 *   { "id": 7, "ok": true, "predictions": [3, 1], "logits": [[...10 values], ...], "steps": 2,
 *     "server": { "queueMs": 0.1, "decodeMs": 0.2, "computeMs": 4.1 } }
 *   mode "steps" adds  "exit": { "done": false, "stepsUsed": [2, 4], "confidence": [0.93, 0.41] }
 *   { "id": 7 | null, "ok": false, "error": { "code": "frame", "field": "version", "message": "bad frame version: ..." } }
 *
 * `id` is null only when the request's header could not be read. `server` times are the server's own clocks for
 * this message: waiting for the compute queue, decoding the frame (or normalising the pixels), and running its
 * part (logits and the exit rule included). An error reply to a "steps" message ends that request on the server.
 */
import { EXIT_CONFIDENCES, ExitConfidence } from '../neucodex/early-exit';

export const PROTOCOL_VERSION = 3;
export const REQUEST_MAGIC = 'SSRQ';
export const MAX_HEADER_BYTES = 1024;
const MAGIC_BYTES = Uint8Array.from(REQUEST_MAGIC, (ch) => ch.charCodeAt(0));
const PREFIX_BYTES = 7;

/**
 * split: the device ran its part and sends a frame; raw: the device sends the image and the server runs all;
 * steps: split with early exit, one sent step per message.
 */
export const REQUEST_MODES = ['split', 'raw', 'steps'] as const;
export type RequestMode = (typeof REQUEST_MODES)[number];

export interface RequestHeader {
  id: number;
  mode: RequestMode;
  /** Raw mode: the input's shape [B, H, W, C]. */
  shape?: number[];
  /** Steps mode: which sent step this message carries, from 0. */
  step?: number;
  /** Steps mode: the exit rule. */
  exit?: ExitRule;
}

/** NeuCODEX's exit rule (lib/neucodex/early-exit.ts): exit once the confidence exceeds the threshold. */
export interface ExitRule {
  threshold: number;
  confidence: ExitConfidence;
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
  /** Model time steps the server ran (received so far, in mode steps). */
  steps: number;
  server: ServerTiming;
  /** Mode steps: where each image stands. */
  exit?: ExitState;
}

export interface ExitState {
  /** Every image has exited, or the last sent step arrived: the device sends no more. */
  done: boolean;
  /** Per image: model steps used so far (its exit step once it exited). */
  stepsUsed: number[];
  /** Per image: the confidence at those steps. */
  confidence: number[];
}

/**
 * What was wrong: `malformed` (the message or its header), `unauthorized` (the hello), `frame` (the codec frame,
 * `field` as FrameError names it), `mismatch` (a well-formed frame or tensor whose per-image shape this model
 * does not take), `oversized` (more images than the server's maxBatch, or a body over its limit; the message
 * names the limit), `unsupported` (a mode this server was not given the model for), `busy` (the connection's
 * in-flight cap), `shutting-down`, `internal` (the server failed on an admitted request).
 */
export const PROTOCOL_ERROR_CODES = [
  'malformed',
  'unauthorized',
  'frame',
  'mismatch',
  'oversized',
  'unsupported',
  'busy',
  'shutting-down',
  'internal',
] as const;
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
  if (json.length > MAX_HEADER_BYTES)
    throw new RangeError(`request header is ${json.length} bytes of JSON; expected at most ${MAX_HEADER_BYTES}`);
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
  const { h, length } = readRequestHeader(message);
  if (typeof h.id !== 'number' || !Number.isInteger(h.id) || h.id < 0 || h.id > 0xffffffff)
    throw malformed(`header id is ${JSON.stringify(h.id)}; expected an integer in [0, 2^32)`);
  const id = h.id;
  if (h.token !== undefined)
    throw malformed(
      'header has a token; protocol 3 authenticates the connection once, with its hello (handshake.ts)',
      id,
    );
  if (!(REQUEST_MODES as readonly unknown[]).includes(h.mode))
    throw malformed(`header mode is ${JSON.stringify(h.mode)}; expected one of ${REQUEST_MODES.join(', ')}`, id);
  const header: RequestHeader = { id, mode: h.mode as RequestMode };
  readRawFields(h, header);
  readStepsFields(h, header);
  return { header, body: message.subarray(PREFIX_BYTES + length) };
}

/** A malformed request: `what` completes "request ...". */
function malformed(what: string, id: number | null = null): ProtocolError {
  return new ProtocolError('malformed', `request ${what}`, id);
}

/** The request's JSON header (an object) and its length, after checking the prefix: magic, version, length. */
function readRequestHeader(message: Uint8Array): { h: Record<string, unknown>; length: number } {
  if (message.length < PREFIX_BYTES)
    throw malformed(`is ${message.length} bytes; expected at least ${PREFIX_BYTES} before the header`);
  if (!MAGIC_BYTES.every((b, k) => message[k] === b)) throw malformed(`does not start with "${REQUEST_MAGIC}"`);
  if (message[4] !== PROTOCOL_VERSION)
    throw malformed(`protocol version is ${message[4]}; expected ${PROTOCOL_VERSION}`);
  const length = new DataView(message.buffer, message.byteOffset, message.byteLength).getUint16(5, true);
  if (length < 2 || length > MAX_HEADER_BYTES || PREFIX_BYTES + length > message.length) {
    throw malformed(
      `header length is ${length} in a ${message.length}-byte message; expected 2..${MAX_HEADER_BYTES} bytes that fit`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(message.subarray(PREFIX_BYTES, PREFIX_BYTES + length)),
    );
  } catch (err) {
    throw malformed(`header is not UTF-8 JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw malformed('header is not a JSON object');
  return { h: parsed as Record<string, unknown>, length };
}

/** Raw mode's input shape into `header`; any other mode must send none. */
function readRawFields(h: Record<string, unknown>, header: RequestHeader): void {
  if (header.mode !== 'raw') {
    if (h.shape !== undefined)
      throw malformed('header has a shape; only raw mode sends one (a frame describes itself)', header.id);
    return;
  }
  const shape = h.shape;
  if (
    !Array.isArray(shape) ||
    shape.length !== 4 ||
    !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)
  ) {
    throw malformed(
      `header shape is ${JSON.stringify(shape)}; raw mode expects [B, H, W, C] of positive integers`,
      header.id,
    );
  }
  header.shape = shape as number[];
}

/** Steps mode's step and early-exit rule into `header`; any other mode must send neither. */
function readStepsFields(h: Record<string, unknown>, header: RequestHeader): void {
  if (header.mode !== 'steps') {
    if (h.step !== undefined || h.exit !== undefined)
      throw malformed('header has a step or an exit rule; only steps mode sends them', header.id);
    return;
  }
  if (typeof h.step !== 'number' || !Number.isInteger(h.step) || h.step < 0)
    throw malformed(`header step is ${JSON.stringify(h.step)}; steps mode expects an integer >= 0`, header.id);
  const exit = h.exit as Record<string, unknown> | null | undefined;
  const threshold = exit?.threshold;
  if (
    typeof exit !== 'object' ||
    exit === null ||
    typeof threshold !== 'number' ||
    !(threshold >= 0 && threshold <= 1) ||
    !(EXIT_CONFIDENCES as readonly unknown[]).includes(exit.confidence)
  ) {
    throw malformed(
      `header exit is ${JSON.stringify(h.exit)}; steps mode expects { threshold in [0, 1], confidence: ${EXIT_CONFIDENCES.join(' | ')} }`,
      header.id,
    );
  }
  header.step = h.step;
  header.exit = { threshold, confidence: exit.confidence as ExitConfidence };
}

/** Reads a reply; throws ProtocolError('malformed') if it is not one. */
export function decodeReply(text: string): ProtocolReply {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError('malformed', `reply is not JSON: ${(err as Error).message}`);
  }
  const r = parsed as {
    id?: unknown;
    ok?: unknown;
    predictions?: unknown;
    logits?: unknown;
    server?: unknown;
    error?: { code?: unknown };
  } | null;
  if (typeof r !== 'object' || r === null || (r.id !== null && typeof r.id !== 'number') || typeof r.ok !== 'boolean') {
    throw new ProtocolError('malformed', `reply ${text.slice(0, 80)} lacks a numeric or null id and a boolean ok`);
  }
  const complete = r.ok
    ? Array.isArray(r.predictions) && Array.isArray(r.logits) && typeof r.server === 'object'
    : typeof r.error?.code === 'string';
  if (!complete) {
    throw new ProtocolError(
      'malformed',
      `reply ${text.slice(0, 80)} lacks ${r.ok ? 'predictions, logits or server timing' : 'an error code'}`,
      r.id as number | null,
    );
  }
  return r as ProtocolReply;
}
