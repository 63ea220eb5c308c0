/**
 * The cloud side of co-inference: a WebSocket server (ws://, or wss:// given a TLS certificate) that answers
 * requests (protocol.ts) with its part of the model: the tail of a split model for modes 'split' and 'steps'
 * (early exit), the whole model for mode 'raw' (raw offload).
 *
 * Its state, each piece with its own limits (limits.ts, defaults there):
 * - admission (admission.ts): per TCP connection, before anything it sends is read: caps on connections in
 *   total and per address, backoff of addresses whose hellos failed. A connection must authenticate
 *   (handshake.ts) within authTimeoutMs, reading no message over HELLO_MAX_BYTES until then; once
 *   authenticated it reads messages of at most maxMessageBytes (the largest body the model can take at
 *   maxBatch images, plus a header), and is closed after idleTimeoutMs with nothing in flight and no message.
 * - mode handlers (modes.ts): each request is admitted from its header and its frame header alone (model,
 *   per-image shape, at most maxBatch images) before anything is decoded, so every request in the queue costs at
 *   most one forward pass over maxBatch images.
 * - the scheduler (scheduler.ts): one queue per connection, served round robin, one request at a time (tfjs
 *   computes synchronously); at most maxInFlightPerConnection requests per connection are queued or computing.
 * - sessions (sessions.ts): per connection, at most maxInFlightPerConnection open early-exit requests.
 *
 * Given an `http` handler, the same port also answers plain HTTP(S) requests with it (the web device page).
 *
 * Every bad request gets an error reply naming what was wrong, and the connection stays (a failed hello closes
 * it). Replies go through a LinkShaper per connection (the downlink of that device's emulated link).
 * `close()` stops accepting connections, answers new requests with 'shutting-down', lets requests in flight
 * finish (replies delivered), then closes every connection with 1001. An early-exit request between two of its
 * steps is not in flight: its next step is answered 'shutting-down'.
 */
import * as http from 'http';
import * as https from 'https';
import { AddressInfo, Socket } from 'net';
import * as wsLib from 'ws';
import { WebSocket, WebSocketServer } from 'ws';
import { FrameError } from '../codec/frame';
import { Normalization } from '../data/normalization';
import { Admission } from './admission';
import {
  challengeMessage,
  checkHello,
  HELLO_MAX_BYTES,
  newNonce,
  welcomeMessage,
  type ConnectionLimits,
} from './handshake';
import { maxBodyBytes, maxMessageBytes, serverLimits, type ServerLimits } from './limits';
import { LinkConfig, LinkShaper, UNSHAPED_LINK } from './link';
import { SplitTail, WholeModel } from './model-ends';
import { MODE_HANDLERS, ModeContext } from './modes';
import { decodeRequest, ErrorReply, ProtocolError, ProtocolErrorCode, ProtocolRequest, SuccessReply } from './protocol';
import { FairScheduler } from './scheduler';
import { ExitSessions } from './sessions';

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
  /** The secret every connection's hello proves it knows. */
  readonly token: string;
  /** Any of the limits; the rest are DEFAULT_SERVER_LIMITS. */
  readonly limits?: Partial<ServerLimits>;
  /** Serve wss:// with this PEM certificate (chain) and key. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Shaping of replies (each connection its own shaper, seeded alike); default unshaped. */
  readonly link?: LinkConfig;
  /**
   * Answers plain HTTP(S) requests on the same port (the web device page, web-page.ts); without it they get 426.
   * Its connections pass admission like any other, and each is closed after its response.
   */
  readonly http?: http.RequestListener;
}

export interface ServerStats {
  /** Open TCP connections, authenticated or not. */
  connections: number;
  /** Requests accepted and not yet answered, over all connections. */
  inFlight: number;
  served: number;
  /** Error replies by code (failed hellos count as 'unauthorized' or 'malformed'). */
  errors: Partial<Record<ProtocolErrorCode, number>>;
  /** Connections refused by admission (over a cap, or backing off), and connections closed for taking too long to authenticate or for idling. */
  refused: number;
  timedOut: number;
}

export interface CoinferServer {
  readonly port: number;
  /** `ws://host:port`, or `wss://` with TLS. */
  readonly url: string;
  readonly limits: ServerLimits;
  stats(): ServerStats;
  /** Finishes requests in flight (waiting at most `timeoutMs`, default 10 s), then closes every connection. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/** One TCP connection, from admission on. */
interface Peer {
  address: string;
  socket: Socket;
  /** Cuts the socket authTimeoutMs after it opened, until a hello is accepted (or idleTimeoutMs after an HTTP request). */
  deadline: NodeJS.Timeout;
}

interface Connection {
  ws: WebSocket;
  peer: Peer;
  nonce: string;
  authenticated: boolean;
  shaper: LinkShaper;
  inFlight: number;
  exits: ExitSessions;
  idleTimer: NodeJS.Timeout | null;
}

interface Job {
  conn: Connection;
  request: ProtocolRequest;
  receivedAtMs: number;
}

// The server raises a connection's message limit once it has authenticated, through ws's receiver; check that
// this version of ws keeps the limit where that is done, so an upgrade of ws cannot silently drop the limit.
const { Receiver } = wsLib as unknown as {
  Receiver: new (options: { maxPayload: number }) => { _maxPayload?: number };
};
if (new Receiver({ maxPayload: 7 })._maxPayload !== 7) {
  throw new Error(
    "this version of ws keeps no Receiver._maxPayload: the server cannot bound a connection's messages before and after authentication",
  );
}

function setMessageLimit(ws: WebSocket, bytes: number): void {
  (ws as unknown as { _receiver: { _maxPayload: number } })._receiver._maxPayload = bytes;
}

/** Sends a close frame (unless one was sent) and cuts the socket a second later, whatever the peer does. */
function closeSoon(ws: WebSocket, code?: number, reason?: string): void {
  if (code !== undefined) ws.close(code, reason);
  setTimeout(() => ws.terminate(), 1000).unref();
}

const peerKey = (socket: Socket) => `${socket.remoteAddress}|${socket.remotePort}`;

export async function createServer(options: ServerOptions): Promise<CoinferServer> {
  const { tail, whole, normalization, token, host = '127.0.0.1' } = options;
  if (!tail && !whole)
    throw new RangeError(
      'createServer needs the tail of a split model (modes split, steps), a whole model (mode raw), or both',
    );
  if (whole && !normalization)
    throw new RangeError('createServer: a whole model (mode raw) needs the normalization of the pixels it is sent');
  if (!token) throw new RangeError('createServer needs a non-empty token');
  const limits = serverLimits(options.limits);
  const link = options.link ?? UNSHAPED_LINK;
  new LinkShaper(link); // validates the config before listening
  const ctx: ModeContext = { tail, whole, normalization, maxBatch: limits.maxBatch };
  const bodyLimit = maxBodyBytes(limits.maxBatch, tail, whole);
  const connectionLimits: ConnectionLimits = {
    maxBatch: limits.maxBatch,
    maxBodyBytes: bodyLimit,
    maxInFlight: limits.maxInFlightPerConnection,
  };

  const admission = new Admission(limits);
  const scheduler = new FairScheduler<Connection, Job>();
  const peers = new Map<string, Peer>();
  const connections = new Set<Connection>();
  const counts = { inFlight: 0, repliesOnLink: 0, served: 0, refused: 0, timedOut: 0 }; // repliesOnLink: error replies too; close() waits for them
  const errors: Partial<Record<ProtocolErrorCode, number>> = {};
  let closing = false;
  let drained: (() => void) | null = null;
  let scheduled = false;

  const listener = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key, handshakeTimeout: limits.authTimeoutMs })
    : http.createServer();
  listener.headersTimeout = limits.authTimeoutMs;
  listener.requestTimeout = limits.authTimeoutMs;
  listener.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.setHeader('connection', 'close');
    if (!options.http) {
      res.writeHead(426, { 'content-type': 'text/plain' });
      res.end('spikesplit co-inference server: connect with a WebSocket\n');
      return;
    }
    // a whole request has arrived in time: its response (the page's bundle, the weights) may take longer to send
    // than a hello, over a slow link, but no longer than an idle connection is kept
    const peer = peers.get(peerKey(req.socket));
    if (peer) {
      clearTimeout(peer.deadline);
      peer.deadline = setTimeout(() => peer.socket.destroy(), limits.idleTimeoutMs);
    }
    options.http(req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: HELLO_MAX_BYTES, perMessageDeflate: false });

  // admission: every TCP connection, before TLS or HTTP
  listener.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const refusal = closing ? { status: 503, reason: 'server is shutting down' } : admission.admit(address);
    if (refusal) {
      counts.refused++;
      // a TLS client gets no readable answer without a handshake, which a flood should not cost: it is cut off
      if (options.tls) socket.destroy();
      else
        socket.end(
          `HTTP/1.1 ${refusal.status} ${refusal.status === 429 ? 'Too Many Requests' : 'Service Unavailable'}\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(refusal.reason)}\r\n\r\n${refusal.reason}`,
          () => socket.destroy(),
        );
      return;
    }
    const peer: Peer = {
      address,
      socket,
      deadline: setTimeout(() => {
        counts.timedOut++;
        socket.destroy();
      }, limits.authTimeoutMs),
    };
    const key = peerKey(socket);
    peers.set(key, peer);
    socket.once('close', () => {
      clearTimeout(peer.deadline);
      peers.delete(key);
      admission.release(address);
    });
  });
  listener.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const peer = peers.get(peerKey(socket));
    if (!peer || closing) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => open(ws, peer));
  });
  listener.on('clientError', (_err, socket: Socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port, host, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const port = (listener.address() as AddressInfo).port;

  function open(ws: WebSocket, peer: Peer): void {
    const conn: Connection = {
      ws,
      peer,
      nonce: newNonce(),
      authenticated: false,
      shaper: new LinkShaper(link),
      inFlight: 0,
      exits: new ExitSessions(limits.maxInFlightPerConnection),
      idleTimer: null,
    };
    connections.add(conn);
    ws.on('message', (data, isBinary) =>
      conn.authenticated ? receive(conn, data as Buffer, isBinary) : hello(conn, data as Buffer, isBinary),
    );
    // a protocol error (e.g. a message over the limit, 1009): ws has sent its close frame
    ws.on('error', () => closeSoon(ws));
    // replies still on this connection's link are left to arrive: their bookkeeping runs, the send is skipped
    ws.on('close', () => {
      connections.delete(conn);
      if (conn.idleTimer) clearTimeout(conn.idleTimer);
    });
    ws.send(challengeMessage(conn.nonce));
  }

  function hello(conn: Connection, data: Buffer, isBinary: boolean): void {
    try {
      checkHello(data, isBinary, token, conn.nonce);
    } catch (err) {
      const code = err instanceof ProtocolError ? err.code : 'malformed';
      admission.failed(conn.peer.address);
      errors[code] = (errors[code] ?? 0) + 1;
      conn.ws.send(
        JSON.stringify({ id: null, ok: false, error: { code, message: (err as Error).message } } satisfies ErrorReply),
      );
      closeSoon(conn.ws, 1008, 'hello refused');
      return;
    }
    admission.succeeded(conn.peer.address);
    clearTimeout(conn.peer.deadline);
    conn.authenticated = true;
    setMessageLimit(conn.ws, maxMessageBytes(bodyLimit));
    conn.ws.send(welcomeMessage(connectionLimits));
    touch(conn);
  }

  /** Restarts the connection's idle clock; when it runs out with nothing in flight, the connection is closed. */
  function touch(conn: Connection): void {
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    conn.idleTimer = setTimeout(() => {
      if (conn.inFlight > 0) return touch(conn);
      counts.timedOut++;
      closeSoon(conn.ws, 1001, `idle for ${limits.idleTimeoutMs} ms`);
    }, limits.idleTimeoutMs);
  }

  /** Sends a reply over the connection's link; `done` runs once it is delivered (or the socket is gone). */
  function reply(conn: Connection, message: SuccessReply | ErrorReply, done: () => void = () => {}): void {
    if (!message.ok) errors[message.error.code] = (errors[message.error.code] ?? 0) + 1;
    const text = JSON.stringify(message);
    counts.repliesOnLink++;
    conn.shaper.send(Buffer.byteLength(text), () => {
      counts.repliesOnLink--;
      if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(text);
      done();
      checkDrained();
    });
  }

  /** Sends an error reply; it ends the early-exit request of that id, if one is open. */
  function fail(conn: Connection, id: number | null, err: unknown, done?: () => void): void {
    const code: ProtocolErrorCode =
      err instanceof FrameError ? 'frame' : err instanceof ProtocolError ? err.code : 'internal';
    const message = err instanceof Error ? err.message : String(err);
    if (id !== null) conn.exits.end(id);
    reply(
      conn,
      { id, ok: false, error: err instanceof FrameError ? { code, field: err.field, message } : { code, message } },
      done,
    );
  }

  function checkDrained(): void {
    if (drained && counts.inFlight === 0 && counts.repliesOnLink === 0) drained();
  }

  function receive(conn: Connection, data: Buffer, isBinary: boolean): void {
    const receivedAtMs = performance.now();
    touch(conn);
    let request: ProtocolRequest;
    try {
      if (!isBinary) throw new ProtocolError('malformed', 'request is a text message; expected a binary one');
      request = decodeRequest(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } catch (err) {
      return fail(conn, err instanceof ProtocolError ? err.id : null, err);
    }
    const { id, mode } = request.header;
    try {
      if (closing) throw new ProtocolError('shutting-down', 'server is shutting down; no new requests are taken', id);
      if (request.body.length > bodyLimit)
        throw new ProtocolError(
          'oversized',
          `request body is ${request.body.length} bytes; this server reads at most ${bodyLimit} (maxBatch ${limits.maxBatch})`,
          id,
        );
      if (conn.inFlight >= limits.maxInFlightPerConnection) {
        throw new ProtocolError(
          'busy',
          `connection already has ${conn.inFlight} requests in flight; the cap is ${limits.maxInFlightPerConnection}`,
          id,
        );
      }
      MODE_HANDLERS[mode].admit(request, ctx);
    } catch (err) {
      return fail(conn, id, err);
    }
    conn.inFlight++;
    counts.inFlight++;
    scheduler.push(conn, { conn, request, receivedAtMs });
    schedule();
  }

  function schedule(): void {
    if (scheduled || scheduler.size === 0) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const job = scheduler.next();
      if (job) compute(job);
      schedule();
    });
  }

  function compute({ conn, request, receivedAtMs }: Job): void {
    const { id, mode } = request.header;
    const done = () => {
      conn.inFlight--;
      counts.inFlight--;
      checkDrained();
    };
    if (conn.ws.readyState !== WebSocket.OPEN) return done();
    const startMs = performance.now();
    let decodedAtMs = startMs;
    try {
      const result = MODE_HANDLERS[mode].run(request, ctx, conn.exits, () => (decodedAtMs = performance.now()));
      const server = {
        queueMs: startMs - receivedAtMs,
        decodeMs: decodedAtMs - startMs,
        computeMs: performance.now() - decodedAtMs,
      };
      if (!result.exit || result.exit.done) counts.served++;
      reply(conn, { id, ok: true, ...result, server }, done);
    } catch (err) {
      fail(conn, id, err, done);
    }
  }

  return {
    port,
    url: `${options.tls ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    limits,
    stats: () => ({
      connections: admission.connections(),
      inFlight: counts.inFlight,
      served: counts.served,
      errors: { ...errors },
      refused: counts.refused,
      timedOut: counts.timedOut,
    }),
    async close({ timeoutMs = 10_000 } = {}) {
      if (closing) throw new Error('server close() was already called');
      closing = true;
      const listenerClosed = new Promise<void>((resolve) => listener.close(() => resolve()));
      if (counts.inFlight > 0 || counts.repliesOnLink > 0) {
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
      for (const peer of peers.values()) peer.socket.destroy(); // connections that never upgraded
      await listenerClosed;
    },
  };
}
