// `spikesplit serve` and `spikesplit device` on two hosts: two network namespaces joined by a veth pair (shaped
// with tc tbf where the kernel has it), over TLS. Needs root; skipped with the reason otherwise.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  createNetnsLink,
  netnsUnavailable,
  startServeProcess,
  writeTestCertificates,
  type NetnsLink,
  type ServeProcess,
} from 'spikesplit';
import { CLI, runNode } from './run-node';

const why = netnsUnavailable();
const TOKEN = 'two-hosts-token';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-tls-'));
let link: NetnsLink | undefined;
let server: ServeProcess | undefined;

after(async () => {
  await server?.stop();
  link?.destroy(); // the namespaces go even when a test failed
  fs.rmSync(dir, { recursive: true, force: true });
});

const run = (prefix: string[], args: string[]) => runNode(args, { prefix, env: { SPIKESPLIT_TOKEN: TOKEN } });

test(
  'over TLS across two network namespaces: requests are answered; a wrong CA and a plain ws:// client are refused',
  { skip: why ?? false },
  async () => {
    link = createNetnsLink(`ss17-${process.pid}`, { rateMbps: 20 });
    const certs = writeTestCertificates(dir, link.serverAddress);
    fs.mkdirSync(path.join(dir, 'other'));
    const other = writeTestCertificates(path.join(dir, 'other'), link.serverAddress, 'another CA');
    server = await startServeProcess(
      ['--host', link.serverAddress, '--tls-cert', certs.serverCert, '--tls-key', certs.serverKey],
      { token: TOKEN, prefix: link.prefix(link.serverNs) },
    );
    assert.match(server.url, new RegExp(`^wss://${link.serverAddress.replace(/\./g, '\\.')}:\\d+$`));
    const device = (extra: string[]) =>
      run(link!.prefix(link!.deviceNs), [
        CLI,
        'device',
        '--server',
        server!.url,
        '--requests',
        '3',
        '--json',
        ...extra,
      ]);

    for (const mode of ['split', 'raw']) {
      const r = await device(['--ca', certs.caCert, '--mode', mode]);
      assert.equal(r.code, 0, r.stderr);
      const summary = JSON.parse(r.stdout);
      assert.equal(summary.latency.count, 3);
      assert.ok(summary.bytesPerRequest > 0);
    }
    const wrongCa = await device(['--ca', other.caCert]);
    assert.equal(wrongCa.code, 1);
    assert.match(wrongCa.stderr, /cannot connect to wss:.*(self[- ]signed|unable to verify|certificate)/i);
    assert.doesNotMatch(wrongCa.stderr, /\n\s+at /);
    const noCa = await device([]);
    assert.equal(noCa.code, 1, 'the system CAs do not vouch for the test certificate');

    // plain ws:// off loopback: the device command refuses it, and a client that tries anyway is refused by the server
    const plain = server.url.replace('wss:', 'ws:');
    const cli = await run(link.prefix(link.deviceNs), [CLI, 'device', '--server', plain, '--requests', '1']);
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /neither wss:\/\/ nor ws:\/\/ on loopback/);
    const lib = path.resolve(__dirname, '..', '..', 'lib', 'index.js');
    const script = `require(${JSON.stringify(lib)}).createDevice({ url: ${JSON.stringify(plain)}, token: ${JSON.stringify(TOKEN)}, timeoutMs: 10000 }).then(() => console.log('connected'), (e) => console.log('refused: ' + e.code + ': ' + e.message))`;
    const raw = await run(link.prefix(link.deviceNs), ['-e', script]);
    assert.match(raw.stdout, /^refused: closed: /, raw.stdout + raw.stderr);

    const out = await server.stop();
    server = undefined;
    assert.match(out, /served 6 requests/);
  },
);

test('serve refuses TLS options without each other', async () => {
  const r = await run([], [CLI, 'serve', '--host', '0.0.0.0', '--tls-cert', path.join(dir, 'none.pem')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--tls-cert, --tls-key: give both or neither/);
});
