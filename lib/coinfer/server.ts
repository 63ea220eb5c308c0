/**
 * The cloud side of co-inference: a WebSocket server that answers requests (protocol.ts) with its part of the
 * model — the tail of a split model for modes 'split' and 'steps' (early exit), the whole model for mode 'raw'
 * (raw offload).
 *
 * - Every bad request (malformed message or header, wrong token, damaged or foreign frame, oversized body,
 *   unsupported mode, over the in-flight cap) gets an error reply naming what was wrong; the connection stays.
 * - Memory per connection is bounded: a body over maxFrameBytes is refused after reading, and a WebSocket
 *   message over 2 * maxFrameBytes + MAX_HEADER_BYTES is not read at all (ws maxPayload: the connection is
 *   closed with code 1009); at most maxInFlightPerConnection requests per connection are queued or computing,
 *   and at most as many early-exit requests are open (each keeps at most sentSteps decoded step frames, until
 *   it is done, fails or its connection closes).
 * - Requests are computed one at a time in arrival order across connections (tfjs computes synchronously).
 * - Replies go through a LinkShaper per connection (the downlink of that device's emulated link).
 * - `close()` stops accepting connections, answers new requests with 'shutting-down', lets requests in flight
 *   finish (replies delivered), then closes every connection with 1001. An early-exit request between two of
 *   its steps is not in flight: its next step is answered 'shutting-down'.
 */
import { createHash, timingSafeEqual } from 'crypto';
import { createServer as createHttpServer, RequestListener } from 'http';
import { AddressInfo } from 'net';
import * as tf from '@tensorflow/tfjs-core';
import { WebSocket, WebSocketServer } from 'ws';
import { decodeFrame, FrameError } from '../codec/frame';
import { ImageDataset } from '../data/dataset';
import { imageBatch } from '../data/batch';
import { Normalization } from '../data/normalization';
import { earlyExit } from '../neucodex/early-exit';
import { LinkConfig, LinkShaper, UNSHAPED_LINK } from './link';
import { checkSentFrame, SplitTail, WholeModel } from './model-ends';
import { readPredictions } from './predictions';
import { decodeRequest, ProtocolErrorCode, ErrorReply, MAX_HEADER_BYTES, ProtocolError, ProtocolRequest, SuccessReply } from './protocol';

export interface ServerOptions {
  /** For modes 'split' and 'steps': the tail of a split model (model-ends.ts). */
  readonly tail?: SplitTail;
  /** For mode 'raw': the whole model; raw inputs must be [B, ...its input shape]. */
  readonly whole?: WholeModel;
  /** Mode 'raw': how pixels are normalised into the model's input (the data pipeline's). Required with `whole`. */
  readonly normalization?: Normalization;
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
  /** Answers plain HTTP requests on the same port (the web device page, web-page.ts); without it they get 426. */
  readonly http?: RequestListener;
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
  /** Open early-exit requests by id. */
  exits: Map<number, ExitSession>;
}

/** An early-exit request between its steps: the decoded spikes of each sent step so far, `[B, h', w', c']` each. */
interface ExitSession {
  batch: number;
  received: Uint8Array[];
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

/** Whether `given` is the `expected` token, compared in constant time (of their digests). */
export function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export async function createServer(options: ServerOptions): Promise<CoinferServer> {
  const { tail, whole, normalization, token, host = '127.0.0.1', maxFrameBytes = DEFAULT_MAX_FRAME_BYTES, maxInFlightPerConnection = 4 } = options;
  if (!tail && !whole) throw new RangeError('createServer needs the tail of a split model (modes split, steps), a whole model (mode raw), or both');
  if (whole && !normalization) throw new RangeError('createServer: a whole model (mode raw) needs the normalization of the pixels it is sent');
  if (!token) throw new RangeError('createServer needs a non-empty token');
  if (!(Number.isInteger(maxFrameBytes) && maxFrameBytes >= 1)) throw new RangeError(`maxFrameBytes is ${maxFrameBytes}; expected an integer >= 1`);
  if (!(Number.isInteger(maxInFlightPerConnection) && maxInFlightPerConnection >= 1)) {
    throw new RangeError(`maxInFlightPerConnection is ${maxInFlightPerConnection}; expected an integer >= 1`);
  }
  const link = options.link ?? UNSHAPED_LINK;
  new LinkShaper(link); // validates the config before listening

  const httpServer = createHttpServer(options.http ?? ((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('this port speaks the spikesplit co-inference protocol over WebSocket');
  }));
  const wss = new WebSocketServer({ server: httpServer, maxPayload: 2 * maxFrameBytes + MAX_HEADER_BYTES + 7 });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
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

  /** Sends an error reply; it ends the early-exit request of that id, if one is open. */
  function fail(conn: Connection, id: number | null, code: ProtocolErrorCode, message: string, { field, done }: { field?: string; done?: () => void } = {}): void {
    if (id !== null) conn.exits.delete(id);
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
    if (!sameToken(request.header.token, token)) return fail(conn, id, 'unauthorized', 'request token does not match the server token');
    if (closing) return fail(conn, id, 'shutting-down', 'server is shutting down; no new requests are taken');
    if ((mode !== 'raw' && !tail) || (mode === 'raw' && !whole)) {
      return fail(conn, id, 'unsupported', `this server has no ${mode === 'raw' ? 'whole model' : 'split model tail'}, so it does not take mode '${mode}'`);
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
      const { mode } = request.header;
      if (mode === 'steps') {
        const { result, decodedAtMs } = exitStep(conn, request);
        decodeMs = decodedAtMs - startMs;
        const computeMs = performance.now() - decodedAtMs;
        if (result.exit!.done) served++;
        return reply(conn, { id, ok: true, ...result, server: { queueMs, decodeMs, computeMs } }, done);
      }
      let logits: tf.Tensor;
      if (mode === 'split') {
        const decoded = decodeFrame(request.body);
        decodeMs = performance.now() - startMs;
        logits = tail!.forwardFrame(decoded);
      } else {
        const x = rawInput(request, whole!.inputShape, normalization!);
        decodeMs = performance.now() - startMs;
        try {
          logits = whole!.forward(x);
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
      reply(conn, { id, ok: true, ...result, steps: mode === 'split' ? tail!.T : whole!.T, server: { queueMs, decodeMs, computeMs } }, done);
    } catch (err) {
      // FrameError: a damaged frame; RangeError: a sound frame or tensor this model does not take
      const code = err instanceof FrameError ? 'frame' : err instanceof ProtocolError ? err.code : err instanceof RangeError ? 'mismatch' : 'internal';
      fail(conn, id, code, (err as Error).message, { field: err instanceof FrameError ? err.field : undefined, done });
    }
  }

  /**
   * One message of an early-exit request: takes sent step k, runs the tail on steps 0..k, applies the exit rule.
   * Throws ProtocolError for a step out of order or over the open-request cap, FrameError / RangeError for a frame.
   */
  function exitStep(conn: Connection, { header, body }: ProtocolRequest): { result: Omit<SuccessReply, 'id' | 'ok' | 'server'>; decodedAtMs: number } {
    const { id, step, exit } = header as Required<typeof header>;
    const t = tail!;
    let session = conn.exits.get(id);
    if (step === 0) {
      if (session) throw new ProtocolError('malformed', `early-exit request ${id} sent step 0 again after ${session.received.length} step(s)`, id);
      if (conn.exits.size >= maxInFlightPerConnection) throw new ProtocolError('busy', `connection already has ${conn.exits.size} open early-exit requests; the cap is ${maxInFlightPerConnection}`, id);
    } else if (!session || step !== session.received.length) {
      throw new ProtocolError('malformed', `early-exit request ${id} sent step ${step} after ${session?.received.length ?? 0} step(s); expected step ${session?.received.length ?? 0}`, id);
    }
    if (step >= t.sentSteps) throw new ProtocolError('malformed', `early-exit request ${id} sent step ${step}; this model sends ${t.sentSteps} steps (0..${t.sentSteps - 1})`, id);
    const decoded = decodeFrame(body);
    const batch = checkSentFrame(t, decoded, 1); // one sent step [B, h', w', c']
    const decodedAtMs = performance.now();
    if (session && batch !== session.batch) throw new RangeError(`early-exit request ${id} step ${step} holds ${batch} images; its step 0 held ${session.batch}`);
    session ??= { batch, received: [] };
    session.received.push(decoded.spikes);
    conn.exits.set(id, session);
    const k = session.received.length;
    const sent = new Float32Array(k * decoded.spikes.length); // [k*B, h', w', c'], time-major
    session.received.forEach((s, i) => sent.set(s, i * s.length));
    const stepLogits = tf.tidy(() => t.stepLogits(tf.tensor(sent, [k * batch, ...t.sentShape], 'float32'), k)); // [k*group, B, classes]
    try {
      const exits = earlyExit(stepLogits, { ...exit, exitEvery: t.group });
      const done = k === t.sentSteps || Array.from(exits.confidence).every((c) => c > exit.threshold);
      if (done) conn.exits.delete(id);
      return {
        result: {
          predictions: Array.from(exits.predicted),
          logits: runningMeans(stepLogits, exits.stepsUsed),
          steps: k * t.group,
          exit: { done, stepsUsed: Array.from(exits.stepsUsed), confidence: Array.from(exits.confidence) },
        },
        decodedAtMs,
      };
    } finally {
      stepLogits.dispose();
    }
  }

  wss.on('connection', (ws) => {
    const conn: Connection = { ws, shaper: new LinkShaper(link), inFlight: 0, exits: new Map() };
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
      const listenerClosed = new Promise<void>((resolve) => wss.close(() => httpServer.close(() => resolve())));
      httpServer.closeIdleConnections();
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
      httpServer.closeAllConnections(); // pages still open in a browser keep theirs alive
      await listenerClosed;
    },
  };
}

/**
 * The raw-mode body, uint8 pixels `[B, H, W, C]`, as the model's input: normalised by `imageBatch`, as the data
 * pipeline feeds the joint model. Throws ProtocolError('malformed') if the body does not fit the header's shape,
 * a RangeError (a mismatch) if that shape is not [B, ...inputShape].
 */
function rawInput({ header, body }: ProtocolRequest, inputShape: readonly number[], normalization: Normalization): tf.Tensor {
  const shape = header.shape!;
  if (shape.slice(1).join(',') !== inputShape.join(',')) {
    throw new RangeError(`raw input shape is [${shape.join(', ')}]; this model takes [B, ${inputShape.join(', ')}]`);
  }
  const [batch, height, width, channels] = shape;
  if (body.length !== batch * height * width * channels) {
    throw new ProtocolError('malformed', `raw body is ${body.length} bytes; shape [${shape.join(', ')}] of uint8 pixels takes ${batch * height * width * channels}`, header.id);
  }
  const pixels = new ImageDataset({ images: body, labels: new Uint8Array(batch), classes: ['unlabelled'], height, width, channels, source: `raw request ${header.id}` });
  const { images, labels } = imageBatch(pixels, Array.from({ length: batch }, (_, b) => b), { normalization });
  labels.dispose();
  return images;
}

/** Per image b, the mean of its first `steps[b]` per-step logits `[T, B, classes]`: `[B][classes]`. */
function runningMeans(stepLogits: tf.Tensor, steps: Int32Array): number[][] {
  const [, B, C] = stepLogits.shape;
  const values = stepLogits.dataSync();
  return Array.from({ length: B }, (_, b) => {
    const mean = new Array<number>(C).fill(0);
    for (let t = 0; t < steps[b]; t++) for (let c = 0; c < C; c++) mean[c] += values[(t * B + b) * C + c];
    return mean.map((v) => v / steps[b]);
  });
}
