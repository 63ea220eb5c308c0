/**
 * Link emulation at the application level, applied by each side to what it sends.
 *
 * A message of n bytes handed to `LinkShaper.send` at time t is delivered to the socket at
 *
 *   t + queueMs + latencyMs + U[0, jitterMs] (+ retransmissions)
 *
 * where queueMs comes from a token bucket: tokens (bytes) refill at bandwidthMbps (1 Mbit/s = 125 bytes/ms) up
 * to burstBytes (default 0: every byte waits for its share of the rate, i.e. pure serialisation); a message
 * takes n tokens, and the balance may go negative, so messages behind it queue (FIFO, as on a wire).
 * Loss: each transmission attempt is lost with probability `loss`; as TCP would, a lost attempt is sent again
 * after retransmitTimeoutMs (default max(200, 2 * latencyMs)) and takes its tokens again, so a message is
 * late, never gone. The socket itself runs on loopback unshaped; with jitter, messages may overtake each
 * other (replies carry ids). Randomness comes from a seeded Rng.
 */
import { Rng } from '../util/rng';

export interface LinkConfig {
  /** Rate of the bucket; Infinity for no rate limit. */
  readonly bandwidthMbps: number;
  /** One-way propagation delay added to every message. */
  readonly latencyMs?: number;
  /** Extra delay, uniform in [0, jitterMs]. */
  readonly jitterMs?: number;
  /** Probability in [0, 1) that a transmission attempt is lost (and retransmitted). */
  readonly loss?: number;
  /** Bucket depth; default 0. */
  readonly burstBytes?: number;
  /** Wait before a lost attempt is sent again; default max(200, 2 * latencyMs). */
  readonly retransmitTimeoutMs?: number;
  /** Seeds jitter and loss (default 0). */
  readonly seed?: number;
}

/** No shaping: what a run without a link option uses. */
export const UNSHAPED_LINK: LinkConfig = { bandwidthMbps: Infinity };

/** One line for a run's output, e.g. `token bucket 10 Mbit/s, latency 5 ms, jitter 1 ms, loss 0.01`. */
export function describeLink(link: LinkConfig): string {
  if (isUnshaped(link)) return 'unshaped loopback';
  const parts = [
    Number.isFinite(link.bandwidthMbps)
      ? `token bucket ${link.bandwidthMbps} Mbit/s (burst ${link.burstBytes ?? 0} bytes)`
      : 'no rate limit',
  ];
  parts.push(`latency ${link.latencyMs ?? 0} ms`, `jitter ${link.jitterMs ?? 0} ms`, `loss ${link.loss ?? 0}`);
  return `application-level shaping: ${parts.join(', ')}`;
}

function isUnshaped(link: LinkConfig): boolean {
  return !Number.isFinite(link.bandwidthMbps) && !link.latencyMs && !link.jitterMs && !link.loss;
}

function checkLink(link: LinkConfig): void {
  const nonNegative = (name: keyof LinkConfig, v: number | undefined) => {
    if (v !== undefined && !(v >= 0 && Number.isFinite(v)))
      throw new RangeError(`link ${name} is ${v}; expected a finite number >= 0`);
  };
  if (!(link.bandwidthMbps > 0))
    throw new RangeError(`link bandwidthMbps is ${link.bandwidthMbps}; expected a number > 0 (Infinity for no limit)`);
  nonNegative('latencyMs', link.latencyMs);
  nonNegative('jitterMs', link.jitterMs);
  nonNegative('burstBytes', link.burstBytes);
  nonNegative('retransmitTimeoutMs', link.retransmitTimeoutMs);
  const loss = link.loss ?? 0;
  if (!(loss >= 0 && loss < 1)) throw new RangeError(`link loss is ${link.loss}; expected a probability in [0, 1)`);
}

/** One direction of one link: delays each message as the config says, then hands it to `deliver`. */
export class LinkShaper {
  readonly config: LinkConfig;
  private readonly rng: Rng;
  private readonly bytesPerMs: number;
  private tokens: number;
  private updatedAtMs: number;
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(config: LinkConfig = UNSHAPED_LINK) {
    checkLink(config);
    this.config = config;
    this.rng = new Rng(config.seed ?? 0);
    this.bytesPerMs = (config.bandwidthMbps * 1e6) / 8 / 1000;
    this.tokens = config.burstBytes ?? 0;
    this.updatedAtMs = performance.now();
  }

  /** The delay in ms a message of `bytes` bytes sent now gets; advances the bucket (call once per message). */
  delayMs(bytes: number): number {
    const { latencyMs = 0, jitterMs = 0, loss = 0 } = this.config;
    const rtoMs = this.config.retransmitTimeoutMs ?? Math.max(200, 2 * latencyMs);
    let delay = latencyMs + (jitterMs > 0 ? this.rng.next() * jitterMs : 0);
    let attempts = 1;
    while (loss > 0 && this.rng.next() < loss) attempts++;
    delay += (attempts - 1) * rtoMs;
    if (Number.isFinite(this.bytesPerMs)) {
      const now = performance.now();
      this.tokens = Math.min(this.config.burstBytes ?? 0, this.tokens + (now - this.updatedAtMs) * this.bytesPerMs);
      this.updatedAtMs = now;
      this.tokens -= bytes * attempts;
      if (this.tokens < 0) delay += -this.tokens / this.bytesPerMs;
    }
    return delay;
  }

  /** Calls `deliver` once the message has crossed the emulated link (synchronously when unshaped). */
  send(bytes: number, deliver: () => void): void {
    if (isUnshaped(this.config)) return deliver();
    const delay = this.delayMs(bytes);
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      deliver();
    }, delay);
    this.pending.add(timer);
  }

  /** Messages still crossing the link. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Drops whatever is still crossing (for a connection that closed). */
  cancel(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}
