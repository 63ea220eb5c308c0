import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listTar, readTar, Rng } from 'spikesplit';

// Archives are built by the system's GNU tar (independent truth) from a tree written here.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-tar-'));
const rng = new Rng(7);
const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => rng.int(256));
const longDir = `${'d'.repeat(60)}/${'e'.repeat(60)}`; // > 100 characters: the ustar prefix, pax or GNU long names
const files: Record<string, Uint8Array> = {
  'root/a.txt': new TextEncoder().encode('hello'),
  'root/empty.txt': new Uint8Array(0),
  'root/sub/block.bin': randomBytes(512), // exactly one block, no padding
  'root/sub/odd.bin': randomBytes(1000),
  'root/big.bin': randomBytes(2_500_000), // spans several 1 MB stream chunks
  [`root/${longDir}/c.txt`]: new TextEncoder().encode('deep'),
};
const longName = `root/${'f'.repeat(110)}.txt`; // a name > 100 characters: pax or GNU only
for (const [p, data] of Object.entries({ ...files, [longName]: new Uint8Array([1, 2, 3]) })) {
  fs.mkdirSync(path.join(tmp, path.dirname(p)), { recursive: true });
  fs.writeFileSync(path.join(tmp, p), data);
}

function systemTar(name: string, format: string, gzip: boolean, exclude?: string): string {
  const file = path.join(tmp, name);
  const args = [gzip ? '-czf' : '-cf', file, `--format=${format}`, '-C', tmp];
  if (exclude) args.push(`--exclude=${exclude}`);
  execFileSync('tar', [...args, 'root']);
  return file;
}

async function readAll(file: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for await (const f of readTar(file)) {
    assert.equal(f.data.length, f.bytes);
    out.set(f.path, f.data);
  }
  return out;
}

for (const [format, gzip] of [
  ['pax', true],
  ['gnu', true],
  ['ustar', false],
] as const) {
  test(`readTar reads every regular file of a ${format} archive${gzip ? ' (gzipped)' : ''}, skipping directories`, async () => {
    const hasLongName = format !== 'ustar'; // ustar cannot store a 114-character file name
    const file = systemTar(
      `t-${format}.tar${gzip ? '.gz' : ''}`,
      format,
      gzip,
      hasLongName ? undefined : longName.slice(5),
    );
    const got = await readAll(file);
    const expected = { ...files, ...(hasLongName ? { [longName]: new Uint8Array([1, 2, 3]) } : {}) };
    assert.deepEqual([...got.keys()].sort(), Object.keys(expected).sort());
    for (const [p, data] of Object.entries(expected)) assert.deepEqual(Buffer.from(got.get(p)!), Buffer.from(data), p);
    const listed = await listTar(file);
    assert.deepEqual(
      listed.map((m) => `${m.path}:${m.bytes}`).sort(),
      Object.entries(expected)
        .map(([p, d]) => `${p}:${d.length}`)
        .sort(),
    );
  });
}

test('readTar returns only the selected members', async () => {
  const file = systemTar('select.tar.gz', 'pax', true);
  const got = [];
  for await (const f of readTar(file, (p) => p.endsWith('.bin'))) got.push(f.path);
  assert.deepEqual(got.sort(), ['root/big.bin', 'root/sub/block.bin', 'root/sub/odd.bin']);
});

test('readTar rejects a file that is not a tar archive, a corrupt header and a truncated archive', async () => {
  const text = path.join(tmp, 'not-a-tar.txt');
  fs.writeFileSync(text, 'x'.repeat(2048));
  await assert.rejects(readAll(text), /header at byte 0 has checksum .* expected a tar archive/);

  const good = fs.readFileSync(systemTar('plain.tar', 'pax', false));
  const corrupt = Buffer.from(good);
  corrupt[10] ^= 0xff; // inside the first header's name field
  fs.writeFileSync(path.join(tmp, 'corrupt.tar'), corrupt);
  await assert.rejects(readAll(path.join(tmp, 'corrupt.tar')), /checksum/);

  fs.writeFileSync(path.join(tmp, 'truncated.tar'), good.subarray(0, good.length - 4096 - 1_000_000));
  await assert.rejects(readAll(path.join(tmp, 'truncated.tar')), /truncated/);

  fs.writeFileSync(path.join(tmp, 'bad.tar.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8]));
  await assert.rejects(readAll(path.join(tmp, 'bad.tar.gz')), /not a valid gzip stream/);
});
