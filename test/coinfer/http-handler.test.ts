// The server's HTTP(S) side (what `serve --web` answers the page with): an `http` handler on the WebSocket's
// port, over TLS too, behind the same admission as the protocol's connections; 426 without one.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDevice, createServer, writeTestCertificates } from 'spikesplit';
import { smallSplitModel, TOKEN } from './fixture';

const fx = smallSplitModel();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-http-'));
after(() => {
  fx.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});
const certs = writeTestCertificates(dir, '127.0.0.1');
const tls = { cert: fs.readFileSync(certs.serverCert), key: fs.readFileSync(certs.serverKey) };
const ca = fs.readFileSync(certs.caCert);

/** One HTTPS GET trusting the test CA, on a fresh connection. */
function get(url: string): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
      })
      .on('error', reject);
  });
}

test('over TLS the handler answers HTTPS on the port the devices use, each connection closed after its response', async () => {
  const paths: string[] = [];
  const server = await createServer({
    tail: fx.tail,
    port: 0,
    token: TOKEN,
    tls,
    http: (req, res) => {
      paths.push(req.url!);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('the page');
    },
  });
  try {
    const page = await get(`https://127.0.0.1:${server.port}/index?x=1`);
    assert.deepEqual(page, { status: 200, connection: 'close', body: 'the page' });
    assert.deepEqual(paths, ['/index?x=1']);
    const device = await createDevice({ url: server.url, token: TOKEN, ca, head: fx.head });
    try {
      const result = await device.infer(fx.x);
      assert.equal(result.predictions.length, 2);
    } finally {
      await device.close();
    }
  } finally {
    await server.close();
  }
});

test('HTTP requests pass admission: over the per-address cap the connection is cut before the handler runs', async () => {
  let answered = 0;
  const server = await createServer({
    tail: fx.tail,
    port: 0,
    token: TOKEN,
    tls,
    limits: { maxConnectionsPerAddress: 1 },
    http: (_req, res) => {
      answered++;
      res.end('the page');
    },
  });
  const holder = net.connect(server.port, '127.0.0.1');
  try {
    await new Promise<void>((resolve) => holder.once('connect', () => resolve()));
    // the server counts the held connection once it has seen it: wait for its count, then go over the cap
    while (server.stats().connections < 1) await new Promise((resolve) => setImmediate(resolve));
    await assert.rejects(
      get(`https://127.0.0.1:${server.port}/`),
      /socket hang up|ECONNRESET|disconnected before secure TLS connection/,
    );
    assert.equal(answered, 0);
    assert.equal(server.stats().refused, 1);
  } finally {
    holder.destroy();
    await server.close();
  }
});

test('without a handler, plain HTTP is answered 426', async () => {
  const server = await createServer({ tail: fx.tail, port: 0, token: TOKEN });
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/`);
    assert.equal(res.status, 426);
    assert.match(await res.text(), /connect with a WebSocket/);
  } finally {
    await server.close();
  }
});
