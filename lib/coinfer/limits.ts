/**
 * Every limit the co-inference server enforces, with its default, in one place; `serverLimits` checks them.
 *
 * Work per request is bounded by `maxBatch`: a request is admitted only if its frame (or raw tensor) holds the
 * model's exact per-image shape for at most maxBatch images, checked from the frame header before anything is
 * decoded or allocated, so its decoded size is at most maxBatch times one image's and its compute at most one
 * forward pass over maxBatch images (an early-exit step: over maxBatch images and at most all sent steps). The
 * largest body read follows from the model (`maxBodyBytes`).
 */
import { packedByteLength } from '../codec/bitpack';
import { FRAME_MAX_HEADER_BYTES } from '../codec/frame';
import { SplitTail, WholeModel } from './model-ends';
import { MAX_HEADER_BYTES } from './protocol';

export interface ServerLimits {
  /** Images per request; default 64. */
  readonly maxBatch: number;
  /** Requests per connection queued or computing (and open early-exit requests); default 4. */
  readonly maxInFlightPerConnection: number;
  /** Open TCP connections, authenticated or not; default 64. */
  readonly maxConnections: number;
  /** Open TCP connections from one IP address; default 8. */
  readonly maxConnectionsPerAddress: number;
  /** A connection without an accepted hello this long after it opened is closed; default 5 s. */
  readonly authTimeoutMs: number;
  /** An authenticated connection with nothing in flight and no message this long is closed; default 60 s. */
  readonly idleTimeoutMs: number;
  /** After n failed hellos in a row, an address is refused for backoffBaseMs * 2^(n-1); default 1 s. */
  readonly backoffBaseMs: number;
  /** The longest such refusal; default 60 s. */
  readonly backoffMaxMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxBatch: 64,
  maxInFlightPerConnection: 4,
  maxConnections: 64,
  maxConnectionsPerAddress: 8,
  authTimeoutMs: 5000,
  idleTimeoutMs: 60_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
};

/** The defaults with `given` over them; a RangeError names any limit that is not a positive integer. */
export function serverLimits(given: Partial<ServerLimits> = {}): ServerLimits {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...given };
  for (const [name, value] of Object.entries(limits)) {
    if (!(Number.isSafeInteger(value) && value >= 1))
      throw new RangeError(`server limit ${name} is ${value}; expected an integer >= 1`);
  }
  if (limits.backoffMaxMs < limits.backoffBaseMs)
    throw new RangeError(
      `server limit backoffMaxMs (${limits.backoffMaxMs}) is below backoffBaseMs (${limits.backoffBaseMs})`,
    );
  return limits;
}

/**
 * The largest request body worth reading for these models at `maxBatch` images: a frame of everything the tail
 * takes (an entropy-coded payload may be up to twice the packed one, plus the frame header), or the raw pixels.
 */
export function maxBodyBytes(maxBatch: number, tail: SplitTail | undefined, whole: WholeModel | undefined): number {
  const perImage = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  const frame = tail
    ? 2 * packedByteLength(maxBatch * tail.sentSteps * perImage(tail.sentShape) * (tail.spiking ? 1 : tail.bitWidth)) +
      FRAME_MAX_HEADER_BYTES
    : 0;
  const raw = whole ? maxBatch * perImage(whole.inputShape) : 0;
  return Math.max(frame, raw);
}

/** Bytes of a request message carrying the largest body: what the socket reads at most once authenticated. */
export function maxMessageBytes(bodyBytes: number): number {
  return 7 + MAX_HEADER_BYTES + bodyBytes;
}
