/**
 * Preloaded into the tslab kernel (`--require` in NODE_OPTIONS) by the notebook runner and the notebook server.
 * tslab 1.0.22 binds its five ZeroMQ sockets at once and serves the shell socket as soon as that one is bound.
 * When Jupyter's first request arrives before the iopub socket's bind has finished, tslab publishes the "busy"
 * status on it, and zeromq 6 refuses any operation during a bind (EBUSY, "Socket is blocked by a bind or unbind
 * operation"): the status is lost and the kernel logs an unhandled rejection, which fails the notebook under
 * kernel-guard. Here a send on a socket whose bind is still under way waits for the bind, then goes out.
 */
import * as path from 'path';

/** What this module needs of a zeromq socket. */
interface Socket {
  bind(address: string): Promise<void>;
  send(message: unknown): Promise<void>;
}

/**
 * Makes every socket class of `zmq` (Publisher, Router, ...) queue its sends while a bind is under way: they
 * leave one after another, in the order made, once the bind is done. zeromq's Socket.prototype.bind is neither
 * writable nor configurable, so the patch goes on each class's own prototype, where it shadows the base's.
 */
export function sendAfterBind(zmq: Record<string, unknown>): void {
  const Base = zmq.Socket as { prototype: Socket };
  const { bind, send } = Base.prototype;
  // a socket's bind and the sends queued behind it: its last step; gone once that step settles
  const queues = new WeakMap<Socket, Promise<void>>();
  const enqueue = (socket: Socket, step: Promise<void>) => {
    queues.set(socket, step);
    const release = () => {
      if (queues.get(socket) === step) queues.delete(socket);
    };
    step.then(release, release);
  };
  function bindQueueingSends(this: Socket, address: string): Promise<void> {
    const bound = bind.call(this, address);
    enqueue(this, bound);
    return bound;
  }
  function sendWhenBound(this: Socket, message: unknown): Promise<void> {
    const queue = queues.get(this);
    if (!queue) return send.call(this, message);
    // a failed bind or send before this one is reported to its own caller; this send still goes
    const sent = queue.catch(() => undefined).then(() => send.call(this, message));
    enqueue(this, sent);
    return sent;
  }
  for (const value of Object.values(zmq)) {
    if (typeof value !== 'function' || !(value.prototype instanceof (Base as unknown as typeof Function))) continue;
    Object.defineProperty(value.prototype, 'bind', { value: bindQueueingSends, configurable: true });
    Object.defineProperty(value.prototype, 'send', { value: sendWhenBound, configurable: true });
  }
}

/** The tslab kernel's process: `node <tslab's bin> kernel ...`. */
function isTslabKernel(argv: string[]): boolean {
  return argv.length > 2 && argv[2] === 'kernel' && /(^|[\\/])tslab([\\/]|$)/.test(argv[1]);
}

if (isTslabKernel(process.argv)) {
  // zeromq is tslab's dependency: resolve it from tslab's folder, where tslab's own require finds it
  const tslab = path.dirname(require.resolve('tslab/package.json'));
  sendAfterBind(require(require.resolve('zeromq', { paths: [tslab] })));
}
