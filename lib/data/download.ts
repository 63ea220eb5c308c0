import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import { Transform } from 'stream';
import { Progress, ProgressOptions } from '../util/progress';

/** A file published at `url` with a known md5 checksum, to be kept at `file`. */
export interface DownloadSpec {
  url: string;
  file: string;
  md5: string; // lowercase hex
}

export interface DownloadOptions {
  /** Give up when the server sends nothing for this long (default 30 s). */
  idleTimeoutMs?: number;
  /** Progress in bytes on stderr by default; `false` for none. */
  progress?: ProgressOptions | false;
}

const MAX_REDIRECTS = 5;

/**
 * Downloads `spec.url` (https or http, following redirects) into a temporary file beside `spec.file`,
 * checks its md5 while streaming, and renames it into place only if the checksum matches; on any failure
 * the temporary file is removed and the error names the URL and what was expected.
 */
export async function downloadVerified(spec: DownloadSpec, options: DownloadOptions = {}): Promise<void> {
  fs.mkdirSync(path.dirname(spec.file), { recursive: true });
  const tmp = `${spec.file}.${process.pid}.tmp`;
  const hash = crypto.createHash('md5');
  try {
    const response = await get(spec.url, options.idleTimeoutMs ?? 30_000);
    const totalBytes = Number(response.headers['content-length']);
    const progress =
      options.progress === false
        ? undefined
        : new Progress(Number.isFinite(totalBytes) ? totalBytes : undefined, {
            label: `downloading ${path.basename(spec.file)}`,
            unit: 'bytes',
            ...options.progress,
          });
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        progress?.tick(chunk.length);
        callback(null, chunk);
      },
    });
    await pipeline(response, hashing, fs.createWriteStream(tmp));
    progress?.done();
    const md5 = hash.digest('hex');
    if (md5 !== spec.md5.toLowerCase()) {
      throw new Error(`md5 of the file downloaded from ${spec.url} is ${md5}, expected ${spec.md5}; it was not kept`);
    }
    fs.renameSync(tmp, spec.file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** The md5 checksum (lowercase hex) of a file, read as a stream. */
export async function md5OfFile(file: string): Promise<string> {
  const hash = crypto.createHash('md5');
  await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

/** GET `url`, following up to MAX_REDIRECTS redirects; resolves with a 200 response. */
function get(url: string, idleTimeoutMs: number, redirects = 0): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : url.startsWith('http:') ? http : undefined;
    if (client === undefined) {
      reject(new Error(`cannot download ${url}: expected an http: or https: URL`));
      return;
    }
    const request = client.get(url, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) {
          reject(new Error(`GET ${url}: more than ${MAX_REDIRECTS} redirects`));
          return;
        }
        resolve(get(new URL(location, url).toString(), idleTimeoutMs, redirects + 1));
      } else if (status !== 200) {
        response.resume();
        reject(new Error(`GET ${url} answered HTTP ${status}, expected 200`));
      } else {
        resolve(response);
      }
    });
    request.setTimeout(idleTimeoutMs, () => request.destroy(new Error(`GET ${url}: no data for ${idleTimeoutMs} ms`)));
    request.on('error', reject);
  });
}
