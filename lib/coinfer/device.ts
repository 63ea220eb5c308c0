/**
 * The edge side of co-inference, and its timing.
 *
 * `createDevice` connects to a server (server.ts) and answers `infer(x, mode)`:
 *   split: runs the device part (at the emulated device speed, device-speed.ts), frames what it sends, sends;
 *   raw:   sends the input itself (float32) and the server runs the whole model (raw offload).
 * `inferEdgeOnly` runs the whole model on the device, with no network.
 *
 * Timing of one request (ms, this process's clock except the server's three):
 *   deviceComputeMs  the device part's forward pass, times the slowdown (0 for raw)
 *   encodeMs         framing (or serialising the raw input) and building the request
 *   transferMs       round trip minus the server's queue + decode + compute: both links and the socket
 *   serverQueueMs, serverDecodeMs, serverComputeMs   as the server reported them
 *   endToEndMs       from the start of device compute to the reply's arrival
 */
import * as tf from '@tensorflow/tfjs-core';
import { WebSocket } from 'ws';
import { BottleneckedModel } from '../bottleneck/bottlenecked-model';
import { codesToBits } from '../bottleneck/code-bits';
import { DevicePart } from '../bottleneck/partition';
import { encodeFrame, FrameCoding } from '../codec/frame';
import { runAtDeviceSpeed, checkSlowdown } from './device-speed';
import { LinkConfig, LinkShaper, UNSHAPED_LINK } from './link';
import { readPredictions } from './predictions';
import { decodeReply, encodeRequest, ProtocolErrorCode, ProtocolError, ProtocolReply, RequestMode, SuccessReply } from './protocol';

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
  steps: number;
  /** Size of the request message sent (0 for edge-only). */
  bytesSent: number;
  timing: RequestTiming;
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
  /** `ws://127.0.0.1:port`. */
  readonly url: string;
  readonly token: string;
  /** The device part, for mode 'split'. */
  readonly device?: DevicePart;
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
  infer(x: tf.Tensor, mode?: RequestMode): Promise<InferenceResult>;
  /** Fails requests still waiting (code 'closed') and closes the connection. */
  close(): Promise<void>;
}

interface Pending {
  resolve(reply: SuccessReply): void;
  reject(err: CoinferError): void;
  timer: NodeJS.Timeout;
}

/** The frame of what the device part sent, `sent` as `DevicePart.forward` returns it (as `deviceEncode` frames it). */
function frameSent(device: DevicePart, shape: number[], values: ArrayLike<number>, coding: FrameCoding): Uint8Array {
  return device.spiking
    ? encodeFrame(values as Float32Array, { splitPoint: device.splitPoint, T: device.T, shape, coding })
    : encodeFrame(codesToBits(values as Int32Array, device.bitWidth), { splitPoint: device.splitPoint, T: 1, shape: [...shape, device.bitWidth], coding });
}

export async function createDevice(options: DeviceOptions): Promise<DeviceClient> {
  const { url, token, device, coding = 'packed', slowdown = 1, timeoutMs = 30_000 } = options;
  checkSlowdown(slowdown);
  const shaper = new LinkShaper(options.link ?? UNSHAPED_LINK);
  const ws = new WebSocket(url, { maxPayload: 64 * 2 ** 20 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new CoinferError('timeout', `no connection to ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(new CoinferError('closed', `cannot connect to ${url}: ${err.message}`));
    });
  });
  const pending = new Map<number, Pending>();
  let nextId = 0;
  const failAll = (err: CoinferError) => {
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    pending.clear();
  };
  ws.on('message', (data, isBinary) => {
    let reply: ProtocolReply;
    try {
      if (isBinary) throw new ProtocolError('malformed', 'reply is a binary message; expected text');
      reply = decodeReply(String(data));
    } catch (err) {
      failAll(new CoinferError('malformed', `server sent what is not a reply: ${(err as Error).message}`));
      return;
    }
    const p = reply.id === null ? undefined : pending.get(reply.id);
    if (!p) return; // a reply to a request no longer waited for (timed out)
    pending.delete(reply.id!);
    clearTimeout(p.timer);
    if (reply.ok) p.resolve(reply);
    else p.reject(new CoinferError(reply.error.code, `server refused request ${reply.id}: ${reply.error.message}`, reply.error.field));
  });
  ws.on('error', () => {});
  ws.on('close', (code, reason) => {
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

  return {
    async infer(x, mode = 'split') {
      const startMs = performance.now();
      let deviceComputeMs = 0;
      let body: Uint8Array;
      let encodeStartMs: number;
      let header: { shape?: number[] } = {};
      if (mode === 'split') {
        if (!device) throw new RangeError("mode 'split' needs the device part: pass `device` to createDevice");
        const run = await runAtDeviceSpeed(slowdown, () => {
          const sent = device.forward(x);
          try {
            return { shape: [...sent.shape], values: sent.dataSync() };
          } finally {
            sent.dispose();
          }
        });
        deviceComputeMs = run.computeMs;
        encodeStartMs = performance.now();
        body = frameSent(device, run.result.shape, run.result.values, coding);
      } else {
        encodeStartMs = performance.now();
        body = new Uint8Array(Float32Array.from(x.dataSync()).buffer);
        header = { shape: [...x.shape] };
      }
      const id = nextId;
      nextId = (nextId + 1) % 2 ** 32;
      const message = encodeRequest({ id, token, mode, ...header }, body);
      const sentAtMs = performance.now();
      const reply = await send(id, message);
      const arrivedMs = performance.now();
      const { queueMs, decodeMs, computeMs } = reply.server;
      return {
        mode,
        predictions: reply.predictions,
        logits: reply.logits,
        steps: reply.steps,
        bytesSent: message.length,
        timing: {
          deviceComputeMs,
          encodeMs: sentAtMs - encodeStartMs,
          transferMs: arrivedMs - sentAtMs - (queueMs + decodeMs + computeMs),
          serverQueueMs: queueMs,
          serverDecodeMs: decodeMs,
          serverComputeMs: computeMs,
          endToEndMs: arrivedMs - startMs,
        },
      };
    },
    async close() {
      failAll(new CoinferError('closed', `device closed its connection to ${url}`));
      if (ws.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => ws.terminate(), 1000);
        ws.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        ws.close(1000, 'device done');
      });
    },
  };
}

/** Edge-only reference: the whole (joint) model on the device, no network. */
export async function inferEdgeOnly(model: BottleneckedModel, x: tf.Tensor, { slowdown = 1 }: { slowdown?: number } = {}): Promise<InferenceResult> {
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
    bytesSent: 0,
    timing: {
      deviceComputeMs: run.computeMs,
      encodeMs: 0,
      transferMs: 0,
      serverQueueMs: 0,
      serverDecodeMs: 0,
      serverComputeMs: 0,
      endToEndMs: performance.now() - startMs,
    },
  };
}
