/**
 * The cloud side of co-inference: a WebSocket server that answers requests (protocol.ts) with its part of the
 * model — the server part of a split model for mode 'split', the whole model for mode 'raw' (raw offload).
 *
 * - Every bad request (malformed message or header, wrong token, damaged or foreign frame, oversized body,
 *   unsupported mode, over the in-flight cap) gets an error reply naming what was wrong; the connection stays.
 * - Memory per connection is bounded: a body over maxFrameBytes is refused after reading, and a WebSocket
 *   message over 2 * maxFrameBytes + MAX_HEADER_BYTES is not read at all (ws maxPayload: the connection is
 *   closed with code 1009); at most maxInFlightPerConnection requests per connection are queued or computing.
 * - Requests are computed one at a time in arrival order across connections (tfjs computes synchronously).
 * - Replies go through a LinkShaper per connection (the downlink of that device's emulated link).
 * - `close()` stops accepting connections, answers new requests with 'shutting-down', lets requests in flight
 *   finish (replies delivered), then closes every connection with 1001.
 */
import { createHash, timingSafeEqual } from 'crypto';
import { AddressInfo } from 'net';
import * as tf from '@tensorflow/tfjs-core';
import { WebSocket, WebSocketServer } from 'ws';
import { BottleneckedModel } from '../bottleneck/bottlenecked-model';
import { ServerPart } from '../bottleneck/partition';
import { serverForward } from '../bottleneck/feature-frame';
import { decodeFrame, FrameError } from '../codec/frame';
import { LinkConfig, LinkShaper, UNSHAPED_LINK } from './link';
import { readPredictions } from './predictions';
import { decodeRequest, ProtocolErrorCode, ErrorReply, MAX_HEADER_BYTES, ProtocolError, ProtocolRequest, SuccessReply } from './protocol';

export interface ServerOptions {
  /** For mode 'split': the server part of a split model. */
  readonly server?: ServerPart;
  /** For mode 'raw': the whole (joint) model; raw inputs must be [B, ...its backbone's input shape]. */
  readonly model?: BottleneckedModel;
  /** 0: the OS picks (read `port` afterwards). */
  readonly port: number;
  /** Default '127.0.0.1'. */
  readonly host?: string;
  /** Every request must carry it. */
  readonly token: string;
  /** Largest request body (frame or raw tensor) answered; default 16 MiB. */
  readonly maxFrameBytes?: number;
  /** Default 4. */
  readonly maxInFlightPerConnection?: number;
  /** Shaping of replies (each connection its own shaper, seeded alike); default unshaped. */
  readonly link?: LinkConfig;
}

export interface ServerStats {
  connections: number;
  /** Requests accepted and not yet answered, over all connections. */
  inFlight: number;
  served: number;
  /** Error replies by code. */
  errors: Partial<Record<ProtocolErrorCode, number>>;
}

export interface CoinferServer {
  readonly port: number;
  /** `ws://host:port`. */
  readonly url: string;
  stats(): ServerStats;
  /** Finishes requests in flight (waiting at most `timeoutMs`, default 10 s), then closes every connection. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

interface Connection {
  ws: WebSocket;
  shaper: LinkShaper;
  inFlight: number;
}

interface Job {
  conn: Connection;
  request: ProtocolRequest;
  receivedAtMs: number;
}

const DEFAULT_MAX_FRAME_BYTES = 16 * 2 ** 20;

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export async function createServer(options: ServerOptions): Promise<CoinferServer> {
  const { server, model, token, host = '127.0.0.1', maxFrameBytes = DEFAULT_MAX_FRAME_BYTES, maxInFlightPerConnection = 4 } = options;
  if (!server && !model) throw new RangeError('createServer needs a server part (mode split), a whole model (mode raw), or both');
  if (!token) throw new RangeError('createServer needs a non-empty token');
  if (!(Number.isInteger(maxFrameBytes) && maxFrameBytes >= 1)) throw new RangeError(`maxFrameBytes is ${maxFrameBytes}; expected an integer >= 1`);
  if (!(Number.isInteger(maxInFlightPerConnection) && maxInFlightPerConnection >= 1)) {
    throw new RangeError(`maxInFlightPerConnection is ${maxInFlightPerConnection}; expected an integer >= 1`);
  }
  const link = options.link ?? UNSHAPED_LINK;
  new LinkShaper(link); // validates the config before listening
  const tokenDigest = digest(token);

  const wss = new WebSocketServer({ port: options.port, host, maxPayload: 2 * maxFrameBytes + MAX_HEADER_BYTES + 7 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const port = (wss.address() as AddressInfo).port;
  const connections = new Set<Connection>();
  const queue: Job[] = [];
  let inFlight = 0;
  let repliesOnLink = 0; // error replies included: close() waits for them too
  let served = 0;
  const errors: Partial<Record<ProtocolErrorCode, number>> = {};
  let closing = false;
  let drained: (() => void) | null = null;
  let scheduled = false;

  /** Sends a reply over the connection's link; `done` runs once it is delivered (or the socket is gone). */
  function reply(conn: Connection, message: SuccessReply | ErrorReply, done: () => void = () => {}): void {
    if (!message.ok) errors[message.error.code] = (errors[message.error.code] ?? 0) + 1;
    const text = JSON.stringify(message);
    repliesOnLink++;
    conn.shaper.send(Buffer.byteLength(text), () => {
      repliesOnLink--;
      if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(text);
      done();
      checkDrained();
    });
  }

  function fail(conn: Connection, id: number | null, code: ProtocolErrorCode, message: string, { field, done }: { field?: string; done?: () => void } = {}): void {
    reply(conn, { id, ok: false, error: field === undefined ? { code, message } : { code, field, message } }, done);
  }

  function checkDrained(): void {
    if (drained && inFlight === 0 && repliesOnLink === 0) drained();
  }

  function finish(conn: Connection): void {
    conn.inFlight--;
    inFlight--;
    checkDrained();
  }

  function receive(conn: Connection, data: Buffer, isBinary: boolean): void {
    const receivedAtMs = performance.now();
    let request: ProtocolRequest;
    try {
      if (!isBinary) throw new ProtocolError('malformed', 'request is a text message; expected a binary one');
      request = decodeRequest(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } catch (err) {
      if (err instanceof ProtocolError) return fail(conn, err.id, err.code, err.message);
      return fail(conn, null, 'malformed', `request cannot be read: ${(err as Error).message}`);
    }
    const { id, mode } = request.header;
    const given = digest(request.header.token);
    if (!timingSafeEqual(given, tokenDigest)) return fail(conn, id, 'unauthorized', 'request token does not match the server token');
    if (closing) return fail(conn, id, 'shutting-down', 'server is shutting down; no new requests are taken');
    if ((mode === 'split' && !server) || (mode === 'raw' && !model)) {
      return fail(conn, id, 'unsupported', `this server has no ${mode === 'split' ? 'server part' : 'whole model'}, so it does not take mode '${mode}'`);
    }
    if (request.body.length > maxFrameBytes) {
      return fail(conn, id, 'oversized', `request body is ${request.body.length} bytes; this server takes at most ${maxFrameBytes}`);
    }
    if (conn.inFlight >= maxInFlightPerConnection) {
      return fail(conn, id, 'busy', `connection already has ${conn.inFlight} requests in flight; the cap is ${maxInFlightPerConnection}`);
    }
    conn.inFlight++;
    inFlight++;
    queue.push({ conn, request, receivedAtMs });
    schedule();
  }

  function schedule(): void {
    if (scheduled || queue.length === 0) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const job = queue.shift();
      if (job) compute(job);
      schedule();
    });
  }

  function compute({ conn, request, receivedAtMs }: Job): void {
    const { id } = request.header;
    const done = () => finish(conn);
    if (conn.ws.readyState !== WebSocket.OPEN) return done();
    const startMs = performance.now();
    const queueMs = startMs - receivedAtMs;
    let decodeMs = 0;
    try {
      let logits: tf.Tensor;
      if (request.header.mode === 'split') {
        const decoded = decodeFrame(request.body);
        decodeMs = performance.now() - startMs;
        logits = serverForward(server!, decoded);
      } else {
        const x = rawInput(request, model!.backbone.inputShape);
        decodeMs = performance.now() - startMs;
        try {
          logits = model!.forward(x);
        } finally {
          x.dispose();
        }
      }
      let result: ReturnType<typeof readPredictions>;
      try {
        result = readPredictions(logits);
      } finally {
        logits.dispose();
      }
      const computeMs = performance.now() - startMs - decodeMs;
      served++;
      reply(conn, { id, ok: true, ...result, steps: request.header.mode === 'split' ? server!.T : model!.T, server: { queueMs, decodeMs, computeMs } }, done);
    } catch (err) {
      // FrameError: a damaged frame; RangeError: a sound frame or tensor this model does not take
      const code = err instanceof FrameError ? 'frame' : err instanceof ProtocolError ? err.code : err instanceof RangeError ? 'mismatch' : 'internal';
      fail(conn, id, code, (err as Error).message, { field: err instanceof FrameError ? err.field : undefined, done });
    }
  }

  wss.on('connection', (ws) => {
    const conn: Connection = { ws, shaper: new LinkShaper(link), inFlight: 0 };
    connections.add(conn);
    ws.on('message', (data, isBinary) => receive(conn, data as Buffer, isBinary));
    ws.on('error', () => ws.terminate());
    // replies still on this connection's link are left to arrive: their bookkeeping runs, the send is skipped
    ws.on('close', () => connections.delete(conn));
  });

  return {
    port,
    url: `ws://${host.includes(':') ? `[${host}]` : host}:${port}`,
    stats: () => ({ connections: connections.size, inFlight, served, errors: { ...errors } }),
    async close({ timeoutMs = 10_000 } = {}) {
      if (closing) throw new Error('server close() was already called');
      closing = true;
      const listenerClosed = new Promise<void>((resolve) => wss.close(() => resolve()));
      if (inFlight > 0 || repliesOnLink > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      const closed = [...connections].map(
        (conn) =>
          new Promise<void>((resolve) => {
            if (conn.ws.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(() => conn.ws.terminate(), 1000);
            conn.ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            conn.ws.close(1001, 'server shutting down');
          }),
      );
      await Promise.all(closed);
      await listenerClosed;
    },
  };
}

/**
 * The raw-mode body as the model's input tensor. Throws ProtocolError('malformed') if the body does not fit
 * the header's shape, a RangeError (a mismatch) if that shape is not [B, ...inputShape].
 */
function rawInput({ header, body }: ProtocolRequest, inputShape: readonly number[]): tf.Tensor {
  const shape = header.shape!;
  if (shape.slice(1).join(',') !== inputShape.join(',')) {
    throw new RangeError(`raw input shape is [${shape.join(', ')}]; this model takes [B, ${inputShape.join(', ')}]`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (body.length !== 4 * count) {
    throw new ProtocolError('malformed', `raw body is ${body.length} bytes; shape [${shape.join(', ')}] of float32 takes ${4 * count}`, header.id);
  }
  const values = new Float32Array(body.slice().buffer); // copied: the body may not be 4-byte aligned
  return tf.tensor(values, shape, 'float32');
}
