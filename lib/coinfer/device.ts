/**
 * The edge side of co-inference, and its timing.
 *
 * `createDevice` connects to a server (server.ts) and answers
 *   infer(x):              split: runs the head (at the emulated device speed, device-speed.ts), frames what it
 *                          sends, sends it in one message;
 *   inferEarlyExit(x, r):  split with NeuCODEX's early exit: runs the head over all T steps at once (one pass,
 *                          the slowdown applied to it), then sends sent step 0, 1, ... one message each, waiting
 *                          for each reply, and stops when the server says every image has exited;
 *   inferRaw(pixels):      raw offload: sends the image's uint8 pixels; the server normalises them and runs the
 *                          whole model.
 * `inferEdgeOnly` runs the whole model on the device, with no network.
 *
 * Timing of one request (ms, this process's clock except the server's three; early exit sums each over its
 * messages):
 *   deviceComputeMs  the head's forward pass, times the slowdown (0 for raw)
 *   encodeMs         framing (or copying the pixels) and building the request
 *   transferMs       round trip minus the server's queue + decode + compute: both links and the socket
 *   serverQueueMs, serverDecodeMs, serverComputeMs   as the server reported them
 *   endToEndMs       from the start of device compute to the (last) reply's arrival
 */
import * as tf from '@tensorflow/tfjs-core';
// Used through the standard WebSocket API (addEventListener, binaryType), which `ws` implements in Node and the
// browser provides: the web page's bundle maps 'ws' to the browser's own (web/stubs/ws.ts). Two things only `ws`
// has are used where present: the HTTP answer of a refused upgrade ('unexpected-response') and terminate().
import { WebSocket } from 'ws';
import { encodeSent } from '../bottleneck/feature-frame';
import { FrameCoding } from '../codec/frame';
import { runAtDeviceSpeed, checkSlowdown } from './device-speed';
import { LinkConfig, LinkShaper, UNSHAPED_LINK } from './link';
import { SplitHead, WholeModel } from './model-ends';
import { readPredictions } from './predictions';
import { ConnectionLimits, helloMessage, readChallenge, readWelcome } from './handshake';
import {
  decodeReply,
  encodeRequest,
  ExitRule,
  ExitState,
  ProtocolErrorCode,
  ProtocolError,
  ProtocolReply,
  RequestHeader,
  RequestMode,
  SuccessReply,
} from './protocol';

export type InferenceMode = 'edge' | RequestMode;

export interface RequestTiming {
  deviceComputeMs: number;
  encodeMs: number;
  transferMs: number;
  serverQueueMs: number;
  serverDecodeMs: number;
  serverComputeMs: number;
  endToEndMs: number;
}

export interface InferenceResult {
  mode: InferenceMode;
  predictions: number[];
  logits: number[][];
  /** Model time steps the server ran (the most over the images, with early exit). */
  steps: number;
  /** Early exit: the server's last word (per image steps used and confidence). */
  exit?: ExitState;
  /** Request messages sent (1, or the sent steps with early exit; 0 for edge-only). */
  messages: number;
  /** Bytes of the request messages sent (0 for edge-only). */
  bytesSent: number;
  timing: RequestTiming;
  /** Split and early exit: what the head computed, read back (every sent step, also those not sent after an exit). */
  sent?: { shape: number[]; values: ArrayLike<number> };
}

/** An error reply from the server, or a request that got no reply. */
export class CoinferError extends Error {
  constructor(
    readonly code: ProtocolErrorCode | 'timeout' | 'closed',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CoinferError';
  }
}

export interface DeviceOptions {
  /** `ws://127.0.0.1:port`, or `wss://host:port` (TLS). */
  readonly url: string;
  readonly token: string;
  /** wss://: the PEM certificate(s) of the authority the server's certificate must chain to; default: the system's. */
  readonly ca?: string | Buffer;
  /** The head of a split model (model-ends.ts), for split and early exit. */
  readonly head?: SplitHead;
  /** Frame coding; default 'packed'. */
  readonly coding?: FrameCoding;
  /** Shaping of requests (the uplink); default unshaped. */
  readonly link?: LinkConfig;
  /** The device is this many times slower than this machine (device-speed.ts); default 1. */
  readonly slowdown?: number;
  /** A request without a reply after this long fails with code 'timeout'; default 30 s. */
  readonly timeoutMs?: number;
}

export interface DeviceClient {
  /** Split computing: input `[B, H, W, C]` as the model takes it. */
  infer(x: tf.Tensor): Promise<InferenceResult>;
  /** Split computing with early exit, one sent step per message. */
  inferEarlyExit(x: tf.Tensor, exit: ExitRule): Promise<InferenceResult>;
  /** Raw offload of images as uint8 pixels `[B, H, W, C]`, row-major. */
  inferRaw(pixels: Uint8Array, shape: readonly number[]): Promise<InferenceResult>;
  /** What the server admits per request (its welcome). */
  readonly limits: ConnectionLimits;
  /** Fails requests still waiting (code 'closed') and closes the connection. */
  close(): Promise<void>;
}

interface Pending {
  resolve(reply: SuccessReply): void;
  reject(err: CoinferError): void;
  timer: NodeJS.Timeout;
}

/** A request's timing before anything is measured; the messages of a request add to it. */
const NO_TIME: RequestTiming = {
  deviceComputeMs: 0,
  encodeMs: 0,
  transferMs: 0,
  serverQueueMs: 0,
  serverDecodeMs: 0,
  serverComputeMs: 0,
  endToEndMs: 0,
};

export async function createDevice(options: DeviceOptions): Promise<DeviceClient> {
  const { url, token, head, coding = 'packed', slowdown = 1, timeoutMs = 30_000 } = options;
  checkSlowdown(slowdown);
  const shaper = new LinkShaper(options.link ?? UNSHAPED_LINK);
  // ws's options are Node's (the browser's WebSocket has its own certificate store and message limits)
  const ws = new WebSocket(url, { maxPayload: 64 * 2 ** 20, perMessageDeflate: false, ca: options.ca });
  ws.binaryType = 'arraybuffer';
  ws.addEventListener('error', () => {}); // every error also closes the socket, which fails what is waiting
  const limits = await authenticate(ws, url, token, timeoutMs);
  const pending = new Map<number, Pending>();
  let nextId = 0;
  const failAll = (err: CoinferError) => {
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    pending.clear();
  };
  ws.addEventListener('message', ({ data }) => {
    let reply: ProtocolReply;
    try {
      if (typeof data !== 'string') throw new ProtocolError('malformed', 'reply is a binary message; expected text');
      reply = decodeReply(data);
    } catch (err) {
      failAll(new CoinferError('malformed', `server sent what is not a reply: ${(err as Error).message}`));
      return;
    }
    const p = reply.id === null ? undefined : pending.get(reply.id);
    if (!p) return; // a reply to a request no longer waited for (timed out)
    pending.delete(reply.id!);
    clearTimeout(p.timer);
    if (reply.ok) p.resolve(reply);
    else
      p.reject(
        new CoinferError(
          reply.error.code,
          `server refused request ${reply.id}: ${reply.error.message}`,
          reply.error.field,
        ),
      );
  });
  ws.addEventListener('close', ({ code, reason }) => {
    shaper.cancel();
    failAll(new CoinferError('closed', `connection to ${url} closed (${code}${reason.length ? ` ${reason}` : ''})`));
  });

  /** Sends a request message (its header carrying `id`) over the link and waits for the reply to `id`. */
  function send(id: number, message: Uint8Array): Promise<SuccessReply> {
    return new Promise<SuccessReply>((resolve, reject) => {
      if (ws.readyState !== WebSocket.OPEN) return reject(new CoinferError('closed', `connection to ${url} is closed`));
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new CoinferError('timeout', `request ${id} got no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      shaper.send(message.length, () => {
        if (ws.readyState === WebSocket.OPEN) ws.send(message);
      });
    });
  }

  /** Runs the head at the device's speed: what it sends, read back, `[S*B, h', w', c']` (or DNN codes). */
  async function runHead(x: tf.Tensor): Promise<{ values: ArrayLike<number>; shape: number[]; computeMs: number }> {
    if (!head) throw new RangeError('split computing needs the head of the split model: pass `head` to createDevice');
    const run = await runAtDeviceSpeed(slowdown, () => {
      const sent = head.forward(x);
      try {
        return { shape: [...sent.shape], values: sent.dataSync() };
      } finally {
        sent.dispose();
      }
    });
    return { ...run.result, computeMs: run.computeMs };
  }

  function newId(): number {
    const id = nextId;
    nextId = (nextId + 1) % 2 ** 32;
    return id;
  }

  /** Sends one message of request `id` and adds its times to `timing`; encodeStartMs is when building its body began. */
  async function exchange(
    id: number,
    header: Omit<RequestHeader, 'id'>,
    body: Uint8Array,
    encodeStartMs: number,
    timing: RequestTiming,
  ): Promise<{ reply: SuccessReply; bytes: number }> {
    const message = encodeRequest({ id, ...header }, body);
    const sentAtMs = performance.now();
    const reply = await send(id, message);
    const arrivedMs = performance.now();
    const { queueMs, decodeMs, computeMs } = reply.server;
    timing.encodeMs += sentAtMs - encodeStartMs;
    timing.transferMs += arrivedMs - sentAtMs - (queueMs + decodeMs + computeMs);
    timing.serverQueueMs += queueMs;
    timing.serverDecodeMs += decodeMs;
    timing.serverComputeMs += computeMs;
    return { reply, bytes: message.length };
  }

  function result(
    mode: RequestMode,
    reply: SuccessReply,
    messages: number,
    bytesSent: number,
    timing: RequestTiming,
    startMs: number,
  ): InferenceResult {
    const steps = reply.exit ? Math.max(...reply.exit.stepsUsed) : reply.steps;
    return {
      mode,
      predictions: reply.predictions,
      logits: reply.logits,
      steps,
      exit: reply.exit,
      messages,
      bytesSent,
      timing: { ...timing, endToEndMs: performance.now() - startMs },
    };
  }

  return {
    limits,
    async infer(x) {
      const startMs = performance.now();
      const sent = await runHead(x);
      const timing = { ...NO_TIME, deviceComputeMs: sent.computeMs };
      const encodeStartMs = performance.now();
      const body = encodeSent(head!, sent.values, sent.shape, head!.sentSteps, coding);
      const { reply, bytes } = await exchange(newId(), { mode: 'split' }, body, encodeStartMs, timing);
      return { ...result('split', reply, 1, bytes, timing, startMs), sent: { shape: sent.shape, values: sent.values } };
    },
    async inferEarlyExit(x, exit) {
      const startMs = performance.now();
      const sent = await runHead(x);
      if (!head!.spiking) throw new RangeError('early exit sends time steps; a DNN head sends one code per image');
      const timing = { ...NO_TIME, deviceComputeMs: sent.computeMs };
      const stepRows = sent.shape[0] / head!.sentSteps; // B
      const stepSize = sent.values.length / head!.sentSteps; // values per sent step, [B, h', w', c']
      const id = newId();
      let bytesSent = 0;
      for (let step = 0; ; step++) {
        const encodeStartMs = performance.now();
        const values = (sent.values as Float32Array).subarray(step * stepSize, (step + 1) * stepSize);
        const body = encodeSent(head!, values, [stepRows, ...sent.shape.slice(1)], 1, coding);
        const { reply, bytes } = await exchange(id, { mode: 'steps', step, exit }, body, encodeStartMs, timing);
        bytesSent += bytes;
        if (!reply.exit)
          throw new CoinferError(
            'malformed',
            `server answered early-exit request ${id} step ${step} without an exit state`,
          );
        if (reply.exit.done)
          return {
            ...result('steps', reply, step + 1, bytesSent, timing, startMs),
            sent: { shape: sent.shape, values: sent.values },
          };
        if (step + 1 >= head!.sentSteps)
          throw new CoinferError(
            'malformed',
            `server did not end early-exit request ${id} after its last step ${step}`,
          );
      }
    },
    async inferRaw(pixels, shape) {
      const startMs = performance.now();
      const timing = { ...NO_TIME };
      if (shape.length !== 4 || pixels.length !== shape.reduce((a, b) => a * b, 1)) {
        throw new RangeError(
          `raw offload: ${pixels.length} pixels for shape [${shape.join(', ')}]; expected [B, H, W, C] holding exactly that many`,
        );
      }
      const { reply, bytes } = await exchange(
        newId(),
        { mode: 'raw', shape: [...shape] },
        pixels,
        performance.now(),
        timing,
      );
      return result('raw', reply, 1, bytes, timing, startMs);
    },
    async close() {
      failAll(new CoinferError('closed', `device closed its connection to ${url}`));
      if (ws.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        // a server that never answers the closing handshake: give up on it
        const timer = setTimeout(() => {
          abort(ws);
          resolve();
        }, 1000);
        ws.addEventListener(
          'close',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
        ws.close(1000, 'device done');
      });
    },
  };
}

/** Cuts the connection now: `ws` terminates the socket; a browser's WebSocket can only start its closing handshake. */
function abort(ws: WebSocket): void {
  if (typeof (ws as Partial<WebSocket>).terminate === 'function') ws.terminate();
  else ws.close();
}

/**
 * Waits for the connection and answers the server's challenge (handshake.ts): the server's limits once it
 * welcomes the device. Fails with CoinferError: 'unauthorized' (a wrong token, or an address backing off after
 * failed hellos), 'busy' (over a connection cap), 'closed' (no connection, or a TLS failure), 'timeout'. In a
 * browser, which does not show a refused upgrade's HTTP answer, a refusal by admission is 'closed'.
 */
function authenticate(ws: WebSocket, url: string, token: string, timeoutMs: number): Promise<ConnectionLimits> {
  return new Promise<ConnectionLimits>((resolve, reject) => {
    let nonce: string | null = null;
    let settled = false;
    const settle = (err: CoinferError | null, limits?: ConnectionLimits) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeEventListener('message', onMessage);
      if (err) {
        abort(ws);
        reject(err);
      } else resolve(limits!);
    };
    const timer = setTimeout(
      () => settle(new CoinferError('timeout', `no welcome from ${url} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = ({ data }: { data: unknown }) => {
      try {
        if (typeof data !== 'string')
          throw new ProtocolError('malformed', 'the server sent a binary message during the handshake');
        if (nonce === null) {
          nonce = readChallenge(data);
          ws.send(helloMessage(token, nonce));
          return;
        }
        if (data.includes('"ok":false')) {
          const refused = decodeReply(data);
          if (!refused.ok)
            return settle(new CoinferError(refused.error.code, `server refused the hello: ${refused.error.message}`));
        }
        settle(null, readWelcome(data));
      } catch (err) {
        settle(new CoinferError('malformed', `${url}: ${(err as Error).message}`));
      }
    };
    ws.addEventListener('message', onMessage);
    settleOnRefusal(ws, url, settle);
    settleOnFailure(ws, url, settle);
  });
}

/** In Node, a refused upgrade's HTTP answer: 429 (backing off after failed hellos) is 'unauthorized', a connection cap 'busy'. */
function settleOnRefusal(ws: WebSocket, url: string, settle: (err: CoinferError) => void): void {
  if (!('once' in ws)) return; // a browser does not show it: the refusal comes as 'error' and 'close'
  ws.once('unexpected-response', (_req, res) => {
    let body = '';
    res.on('data', (d: Buffer) => (body += d));
    res.on('end', () =>
      settle(
        new CoinferError(
          res.statusCode === 429 ? 'unauthorized' : 'busy',
          `${url} refused the connection (${res.statusCode}): ${body.trim()}`,
        ),
      ),
    );
    res.on('error', () => settle(new CoinferError('closed', `${url} refused the connection (${res.statusCode})`)));
  });
}

/** A connection that fails, or closes, before the handshake is done: 'closed'. */
function settleOnFailure(ws: WebSocket, url: string, settle: (err: CoinferError) => void): void {
  ws.addEventListener(
    'error',
    (event) =>
      settle(
        new CoinferError(
          'closed',
          `cannot connect to ${url}: ${(event as { message?: string }).message ?? 'the connection failed'}`,
        ),
      ),
    { once: true },
  );
  ws.addEventListener(
    'close',
    ({ code, reason }) =>
      settle(
        new CoinferError(
          'closed',
          `${url} closed the connection during the handshake (${code}${reason.length ? ` ${reason}` : ''})`,
        ),
      ),
    { once: true },
  );
}

/** Edge-only reference: the whole model on the device (at its speed), no network. */
export async function inferEdgeOnly(
  model: WholeModel,
  x: tf.Tensor,
  { slowdown = 1 }: { slowdown?: number } = {},
): Promise<InferenceResult> {
  const startMs = performance.now();
  const run = await runAtDeviceSpeed(slowdown, () => {
    const logits = model.forward(x);
    try {
      return readPredictions(logits);
    } finally {
      logits.dispose();
    }
  });
  return {
    mode: 'edge',
    ...run.result,
    steps: model.T,
    messages: 0,
    bytesSent: 0,
    timing: { ...NO_TIME, deviceComputeMs: run.computeMs, endToEndMs: performance.now() - startMs },
  };
}
