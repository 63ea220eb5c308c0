import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { sendAfterBind } from '../../scripts/notebook-runner/send-after-bind';

interface Zmq {
  Push: new () => ZmqSocket;
  Pull: new () => ZmqSocket;
}
interface ZmqSocket {
  bind(address: string): Promise<void>;
  connect(address: string): void;
  send(message: string): Promise<void>;
  receive(): Promise<Buffer[]>;
  close(): void;
  readonly lastEndpoint: string | null;
}

// the zeromq that tslab loads
const zmq = require(require.resolve('zeromq', { paths: [path.dirname(require.resolve('tslab/package.json'))] })) as Zmq;

test('a send during a bind: zeromq refuses it, and once patched it waits for the bind and keeps the order', async () => {
  const raw = new zmq.Push();
  const rawBound = raw.bind('tcp://127.0.0.1:*');
  assert.throws(() => raw.send('lost'), { code: 'EBUSY' });
  await rawBound;
  raw.close();

  sendAfterBind(zmq as unknown as Record<string, unknown>);
  const push = new zmq.Push();
  const bound = push.bind('tcp://127.0.0.1:*');
  const early = [push.send('first'), push.send('second')];
  await bound;
  const late = push.send('third');
  const pull = new zmq.Pull();
  pull.connect(push.lastEndpoint!);
  const received: string[] = [];
  for (let i = 0; i < 3; i++) received.push(String((await pull.receive())[0]));
  await Promise.all([...early, late]);
  assert.deepEqual(received, ['first', 'second', 'third']);
  push.close();
  pull.close();
});
