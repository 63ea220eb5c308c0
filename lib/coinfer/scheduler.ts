/**
 * The server's compute queue: one queue per connection, served round robin, so a connection with many requests
 * waiting delays another's next request by at most one of its own (each bounded by the request limits).
 */
export class FairScheduler<K, J> {
  /** Keys with jobs waiting, in the order they are served next (a Map keeps insertion order). */
  private readonly queues = new Map<K, J[]>();

  push(key: K, job: J): void {
    const queue = this.queues.get(key);
    if (queue) queue.push(job);
    else this.queues.set(key, [job]);
  }

  /** The next job: the oldest of the connection whose turn it is; that connection then goes to the back. */
  next(): J | undefined {
    const first = this.queues.entries().next();
    if (first.done) return undefined;
    const [key, queue] = first.value;
    const job = queue.shift()!;
    this.queues.delete(key);
    if (queue.length > 0) this.queues.set(key, queue);
    return job;
  }

  get size(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }
}
