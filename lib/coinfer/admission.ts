/**
 * Who may hold a connection to the server, decided per TCP connection before anything it sends is read: caps on
 * connections in total and per IP address, and a backoff on addresses whose hellos failed (limits.ts). A
 * connection `admit` refuses is answered with a one-line HTTP status and closed.
 */
import { ServerLimits } from './limits';

export interface Refusal {
  /** 503: over a connection cap; 429: the address is backing off after failed hellos. */
  status: 503 | 429;
  reason: string;
}

interface Backoff {
  failures: number;
  untilMs: number;
}

export class Admission {
  private open = 0;
  private readonly perAddress = new Map<string, number>();
  private readonly backoff = new Map<string, Backoff>();

  constructor(
    private readonly limits: ServerLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Counts a new connection from `address` and returns null, or says why it is refused (then nothing is counted). */
  admit(address: string): Refusal | null {
    const backoff = this.backoff.get(address);
    const waitMs = backoff ? backoff.untilMs - this.now() : 0;
    if (waitMs > 0)
      return {
        status: 429,
        reason: `${backoff!.failures} failed hello(s) from ${address}; retry in ${Math.ceil(waitMs)} ms`,
      };
    if (this.open >= this.limits.maxConnections)
      return { status: 503, reason: `server has ${this.open} connections; the cap is ${this.limits.maxConnections}` };
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (fromAddress >= this.limits.maxConnectionsPerAddress) {
      return {
        status: 503,
        reason: `${address} has ${fromAddress} connections; the cap per address is ${this.limits.maxConnectionsPerAddress}`,
      };
    }
    this.open++;
    this.perAddress.set(address, fromAddress + 1);
    return null;
  }

  /** A connection `admit` counted has closed. */
  release(address: string): void {
    this.open--;
    const left = (this.perAddress.get(address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(address, left);
    else this.perAddress.delete(address);
  }

  /** A hello from `address` failed: it is refused for backoffBaseMs * 2^(failures-1), at most backoffMaxMs. */
  failed(address: string): void {
    const failures = (this.backoff.get(address)?.failures ?? 0) + 1;
    const waitMs = Math.min(this.limits.backoffMaxMs, this.limits.backoffBaseMs * 2 ** Math.min(failures - 1, 30));
    this.backoff.set(address, { failures, untilMs: this.now() + waitMs });
  }

  /** A hello from `address` succeeded: its failures are forgotten. */
  succeeded(address: string): void {
    this.backoff.delete(address);
  }

  connections(): number {
    return this.open;
  }
}
