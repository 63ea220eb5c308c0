import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadVerified, md5OfFile } from 'spikesplit';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-download-'));
const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) & 255));
fs.writeFileSync(path.join(tmp, 'payload.bin'), payload);
// md5sum from coreutils is the independent truth for the checksum.
const payloadMd5 = execFileSync('md5sum', [path.join(tmp, 'payload.bin')], { encoding: 'utf8' }).split(' ')[0];

const server = http.createServer((req, res) => {
  if (req.url === '/file.bin') {
    res.writeHead(200, { 'content-length': payload.length });
    res.end(payload);
  } else if (req.url === '/moved') {
    res.writeHead(302, { location: '/file.bin' });
    res.end();
  } else {
    res.writeHead(404);
    res.end();
  }
});
const listening = new Promise<string>((resolve) =>
  server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
);
after(() => server.close());

const leftovers = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));

test('md5OfFile agrees with md5sum', async () => {
  assert.equal(await md5OfFile(path.join(tmp, 'payload.bin')), payloadMd5);
});

test('downloadVerified follows a redirect, checks the md5 and keeps the file', async () => {
  const dir = path.join(tmp, 'ok');
  const file = path.join(dir, 'got.bin');
  await downloadVerified({ url: `${await listening}/moved`, file, md5: payloadMd5 }, { progress: false });
  assert.deepEqual(fs.readFileSync(file), payload);
  assert.deepEqual(leftovers(dir), []);
});

test('downloadVerified with a wrong md5 keeps nothing and says both checksums', async () => {
  const dir = path.join(tmp, 'bad');
  const file = path.join(dir, 'got.bin');
  const wrong = '0'.repeat(32);
  await assert.rejects(
    downloadVerified({ url: `${await listening}/file.bin`, file, md5: wrong }, { progress: false }),
    new RegExp(`md5 of the file downloaded from .*/file\\.bin is ${payloadMd5}, expected ${wrong}; it was not kept`),
  );
  assert.equal(fs.existsSync(file), false);
  assert.deepEqual(leftovers(dir), []);
});

test('downloadVerified reports an HTTP error and an unreachable server', async () => {
  const file = path.join(tmp, 'none', 'got.bin');
  await assert.rejects(
    downloadVerified({ url: `${await listening}/missing`, file, md5: payloadMd5 }, { progress: false }),
    /answered HTTP 404, expected 200/,
  );
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  await assert.rejects(
    downloadVerified({ url: `http://127.0.0.1:${port}/x`, file, md5: payloadMd5 }, { progress: false }),
    /ECONNREFUSED/,
  );
  assert.equal(fs.existsSync(file), false);
});
