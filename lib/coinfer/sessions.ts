/**
 * The early-exit requests open on one connection (mode 'steps'): per request id, the decoded spikes of each sent
 * step received so far, `[B, h', w', c']` each. At most `cap` are open; a request is forgotten once it is done,
 * fails, or its connection closes, so a connection holds at most cap x sentSteps x maxBatch images of spikes.
 */
import { ProtocolError } from './protocol';

export interface ExitSession {
  batch: number;
  received: Uint8Array[];
}

export class ExitSessions {
  private readonly open = new Map<number, ExitSession>();

  constructor(private readonly cap: number) {}

  /**
   * The session step `step` of request `id` (holding `batch` images) extends, checked: step 0 opens one (not kept
   * until `add`), step k > 0 must follow step k - 1 with as many images. Throws ProtocolError naming what is wrong.
   */
  extend(id: number, step: number, batch: number): ExitSession {
    const session = this.open.get(id);
    if (step === 0) {
      if (session)
        throw new ProtocolError(
          'malformed',
          `early-exit request ${id} sent step 0 again after ${session.received.length} step(s)`,
          id,
        );
      if (this.open.size >= this.cap)
        throw new ProtocolError(
          'busy',
          `connection already has ${this.open.size} open early-exit requests; the cap is ${this.cap}`,
          id,
        );
      return { batch, received: [] };
    }
    const have = session?.received.length ?? 0;
    if (!session || step !== have)
      throw new ProtocolError(
        'malformed',
        `early-exit request ${id} sent step ${step} after ${have} step(s); expected step ${have}`,
        id,
      );
    if (batch !== session.batch)
      throw new ProtocolError(
        'mismatch',
        `early-exit request ${id} step ${step} holds ${batch} images; its step 0 held ${session.batch}`,
        id,
      );
    return session;
  }

  /** Keeps the decoded spikes of the session's next step. */
  add(id: number, session: ExitSession, spikes: Uint8Array): void {
    session.received.push(spikes);
    this.open.set(id, session);
  }

  end(id: number): void {
    this.open.delete(id);
  }

  get size(): number {
    return this.open.size;
  }
}
