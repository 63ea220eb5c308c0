import * as fs from 'fs';
import { pipeline, Readable } from 'stream';
import * as zlib from 'zlib';

/**
 * A small streaming reader of tar archives, gzipped or not (detected from the gzip magic bytes):
 * ustar (with its name prefix), pax extended headers (`path`, `size`) and GNU long names (`L`).
 * Regular files are returned; directories, links, devices and global pax headers are skipped.
 * Nothing is unpacked to disk and only the current member's bytes are held in memory.
 */
export interface TarMember {
  /** Path inside the archive, `/`-separated, as stored (no leading `./` removed). */
  path: string;
  bytes: number;
}

export interface TarFile extends TarMember {
  data: Uint8Array; // [bytes]
}

const BLOCK = 512;

/** Regular files of the archive for which `select(path)` is true (all by default), with their contents. */
export async function* readTar(file: string, select: (path: string) => boolean = () => true): AsyncGenerator<TarFile> {
  for await (const m of members(file, select)) {
    if (m.data !== undefined) yield { path: m.path, bytes: m.bytes, data: m.data };
  }
}

/** Paths and sizes of the regular files in the archive, in archive order (contents are skipped). */
export async function listTar(file: string): Promise<TarMember[]> {
  const out: TarMember[] = [];
  for await (const m of members(file, () => false)) out.push({ path: m.path, bytes: m.bytes });
  return out;
}

/** Contents to read: a regular file's, or a pax or GNU long-name header's about the next member. */
interface Reading {
  path: string;
  bytes: number;
  type: 'file' | 'pax' | 'longname';
}

/** Yields every regular file; `data` is read only when `wantData(path)`. */
async function* members(
  file: string,
  wantData: (path: string) => boolean,
): AsyncGenerator<TarMember & { data?: Uint8Array }> {
  const queue = new ByteQueue();
  let skipBytes = 0; // bytes to discard before the next header (unwanted contents, padding)
  let reading: Reading | undefined; // contents wanted
  let next: { path?: string; size?: number } = {}; // from a pax 'x' or GNU 'L' header, for the next member

  const input = openStream(file);
  try {
    for await (const chunk of input) {
      queue.push(chunk as Buffer);
      for (;;) {
        if (skipBytes > 0) {
          skipBytes -= queue.skip(skipBytes);
          if (skipBytes > 0) break;
        } else if (reading !== undefined) {
          if (queue.length < reading.bytes) break;
          const data = queue.take(reading.bytes);
          skipBytes = paddedSize(reading.bytes) - reading.bytes;
          const r = reading;
          reading = undefined;
          if (r.type === 'pax') next = parsePax(data, file, r.path);
          else if (r.type === 'longname') next = { path: cString(data) };
          else yield { path: r.path, bytes: r.bytes, data };
        } else {
          if (queue.length < BLOCK) break;
          const at = queue.consumed;
          const block = queue.take(BLOCK);
          if (block.every((b) => b === 0)) return; // end-of-archive marker
          const member = startMember(parseHeader(block, file, at), next, wantData);
          next = {};
          if ('reading' in member) reading = member.reading;
          else {
            if (member.listed) yield member.listed;
            skipBytes = member.skipBytes;
          }
        }
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('Z_')) throw new Error(`${file}: not a valid gzip stream (${(err as Error).message})`);
    throw err;
  } finally {
    input.destroy();
  }
  if (skipBytes > 0 || reading !== undefined || queue.length > 0) {
    throw new Error(
      `${file} is truncated: it ends at byte ${queue.consumed + queue.length} of the tar stream, ` +
        `inside ${reading ? `the contents of '${reading.path}'` : 'a member'}; expected a complete tar archive`,
    );
  }
}

/**
 * What a member's header starts (its path and size taken from `next` when a pax or long-name header gave them):
 * contents to read, or bytes to skip, listing a regular file whose contents are not wanted.
 */
function startMember(
  h: { path: string; size: number; type: string },
  next: { path?: string; size?: number },
  wantData: (path: string) => boolean,
): { reading: Reading } | { skipBytes: number; listed?: TarMember } {
  const path = next.path ?? h.path;
  const bytes = next.size ?? h.size;
  const regular = h.type === '0' || h.type === '\0' || h.type === '7';
  if (h.type === 'x') return { reading: { path, bytes, type: 'pax' } };
  if (h.type === 'L') return { reading: { path, bytes, type: 'longname' } };
  if (regular && wantData(path)) return { reading: { path, bytes, type: 'file' } };
  // Directories, links, devices, global pax headers ('g'), GNU 'K', and unwanted contents.
  return { skipBytes: paddedSize(bytes), listed: regular ? { path, bytes } : undefined };
}

function paddedSize(bytes: number): number {
  return Math.ceil(bytes / BLOCK) * BLOCK;
}

/** The file's bytes, gunzipped when they start with the gzip magic number. */
function openStream(file: string): Readable {
  const fd = fs.openSync(file, 'r');
  const magic = Buffer.alloc(2);
  try {
    fs.readSync(fd, magic, 0, 2, 0);
  } finally {
    fs.closeSync(fd);
  }
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  if (magic[0] !== 0x1f || magic[1] !== 0x8b) return raw;
  return pipeline(raw, zlib.createGunzip({ chunkSize: 1 << 20 }), () => {
    /* errors reach the consumer through the gunzip stream */
  });
}

/** Pax extended header records `"<len> <key>=<value>\n"`; keeps `path` and `size` for the next member. */
function parsePax(data: Uint8Array, file: string, member: string): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  while (pos < text.length) {
    const space = text.indexOf(0x20, pos);
    const len = space > pos ? Number(text.toString('latin1', pos, space)) : NaN;
    if (!Number.isInteger(len) || len <= 0 || pos + len > text.length) {
      throw new Error(
        `${file}: malformed pax header record at byte ${pos} of '${member}'; expected "<length> <key>=<value>\\n"`,
      );
    }
    const record = text.toString('utf8', space + 1, pos + len - 1); // without the trailing newline
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') out.path = value;
    if (key === 'size') out.size = Number(value);
    pos += len;
  }
  return out;
}

/** Parses one 512-byte header block; throws if its checksum does not match (not a tar archive, or corrupt). */
function parseHeader(h: Uint8Array, file: string, at: number): { path: string; size: number; type: string } {
  const stored = parseOctal(h.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  if (stored !== sum) {
    throw new Error(
      `${file}: the tar header at byte ${at} has checksum ${stored} but its bytes sum to ${sum}; ` +
        `expected a tar archive (optionally gzipped) that is not corrupt or truncated`,
    );
  }
  const name = cString(h.subarray(0, 100));
  const magic = cString(h.subarray(257, 263));
  const version = cString(h.subarray(263, 265));
  // POSIX ustar ("ustar\0" + "00") has a 155-byte prefix; old GNU ("ustar " + " \0") uses that space otherwise.
  const prefix = magic === 'ustar' && version === '00' ? cString(h.subarray(345, 500)) : '';
  return {
    path: prefix ? `${prefix}/${name}` : name,
    size: parseSize(h.subarray(124, 136)),
    type: String.fromCharCode(h[156]),
  };
}

/** Octal number field (NUL/space padded). */
function parseOctal(field: Uint8Array): number {
  const text = cString(field).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** Size field: octal, or GNU base-256 when the high bit of the first byte is set (members of 8 GiB or more). */
function parseSize(field: Uint8Array): number {
  if ((field[0] & 0x80) === 0) return parseOctal(field);
  let value = field[0] & 0x7f;
  for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
  return value;
}

/** A NUL-terminated UTF-8 string. */
function cString(field: Uint8Array): string {
  const end = field.indexOf(0);
  return Buffer.from(field.buffer, field.byteOffset, end < 0 ? field.length : end).toString('utf8');
}

/** Bytes arriving in chunks, taken from the front. */
class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0; // offset of the first unread byte in chunks[0]
  /** Unread bytes. */
  length = 0;
  /** Bytes taken or skipped so far. */
  consumed = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The next `n` bytes (n <= length): a view when they lie in one chunk, else a copy. */
  take(n: number): Uint8Array {
    const first = this.chunks[0];
    if (n === 0) return new Uint8Array(0);
    if (first.length - this.head >= n) {
      const view = first.subarray(this.head, this.head + n);
      this.advance(n);
      return view;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0];
      const k = Math.min(n - filled, c.length - this.head);
      out.set(c.subarray(this.head, this.head + k), filled);
      filled += k;
      this.advance(k);
    }
    return out;
  }

  /** Discards up to `n` bytes; returns how many were discarded. */
  skip(n: number): number {
    let skipped = 0;
    while (skipped < n && this.length > 0) {
      const k = Math.min(n - skipped, this.chunks[0].length - this.head);
      skipped += k;
      this.advance(k);
    }
    return skipped;
  }

  private advance(k: number): void {
    this.head += k;
    this.length -= k;
    this.consumed += k;
    if (this.head === this.chunks[0].length) {
      this.chunks.shift();
      this.head = 0;
    }
  }
}
