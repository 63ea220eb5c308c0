/**
 * The queue's address, `redis://HOST:PORT[/DB]`: parsed and checked before anything connects, then probed once
 * (a PING with no retries), so that a bad address or an unreachable server is one line naming the problem.
 * After that first check, BullMQ's own connections reconnect for as long as it takes.
 */
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** A `--queue` or `--store` that cannot be used: the CLI prints the message alone. */
export class ScaleoutError extends Error {}

export interface QueueAddress {
  /** The address as given, without a password (for messages). */
  url: string;
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
}

const FORM = 'expected redis://HOST:PORT[/DB]';

export function parseQueueUrl(raw: string): QueueAddress {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ScaleoutError(`--queue '${raw}' is not a URL; ${FORM}`);
  }
  if (u.protocol !== 'redis:') throw new ScaleoutError(`--queue '${raw}': unsupported scheme '${u.protocol}'; ${FORM}`);
  if (u.hostname === '') throw new ScaleoutError(`--queue '${raw}' has no host; ${FORM}`);
  if (u.search !== '' || u.hash !== '')
    throw new ScaleoutError(`--queue '${raw}': no query or fragment is accepted; ${FORM}`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const dbText = u.pathname.replace(/^\//, '');
  if (!/^\d*$/.test(dbText))
    throw new ScaleoutError(`--queue '${raw}': the database '${dbText}' is not a number; ${FORM}`);
  const address: QueueAddress = {
    url: `redis://${u.hostname}:${port}/${dbText === '' ? 0 : Number(dbText)}`,
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    db: dbText === '' ? 0 : Number(dbText),
  };
  if (u.username !== '') address.username = decodeURIComponent(u.username);
  if (u.password !== '') address.password = decodeURIComponent(u.password);
  return address;
}

/** Options for BullMQ's connections: commands wait through an outage (BullMQ requires `maxRetriesPerRequest: null`). */
export function connectionOptions(a: QueueAddress): RedisOptions {
  return {
    host: a.host,
    port: a.port,
    db: a.db,
    username: a.username,
    password: a.password,
    maxRetriesPerRequest: null,
  };
}

/** One PING with no retries; throws a ScaleoutError naming the address and the cause when it fails. */
export async function checkReachable(a: QueueAddress, timeoutMs = 5000): Promise<void> {
  const client = new Redis({
    ...connectionOptions(a),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  let cause: NodeJS.ErrnoException | null = null; // the socket's error; connect() itself only says the connection closed
  client.on('error', (err: NodeJS.ErrnoException) => (cause ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const e = cause ?? (err as NodeJS.ErrnoException);
    throw new ScaleoutError(`cannot reach Redis at ${a.url}: ${e.code ?? e.message}`);
  } finally {
    client.disconnect();
  }
}
