import * as fs from 'fs';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic';
import { ImageDataset } from './dataset';

/**
 * A decoded image data set kept on disk as three files, each written atomically:
 *   `<base>.images`  uint8 [N, H, W, C], raw
 *   `<base>.labels`  uint8 or int32 (little-endian) [N], raw
 *   `<base>.json`    the header below, written last, so its presence means the other two are complete.
 * `fingerprint` identifies the source's content; a cache whose fingerprint differs is stale.
 */
interface ImageCacheHeader {
  format: 'spikesplit-image-cache';
  version: 1;
  fingerprint: string;
  source: string;
  count: number;
  height: number;
  width: number;
  channels: number;
  classes: string[];
  labelType: 'uint8' | 'int32';
  decodeSeconds: number;
}

const FORMAT = 'spikesplit-image-cache';

export function writeImageCache(base: string, dataset: ImageDataset, fingerprint: string, decodeSeconds: number): void {
  const { labels } = dataset;
  writeFileAtomic(`${base}.images`, dataset.images);
  writeFileAtomic(`${base}.labels`, new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
  const header: ImageCacheHeader = {
    format: FORMAT,
    version: 1,
    fingerprint,
    source: dataset.source,
    count: dataset.count,
    height: dataset.height,
    width: dataset.width,
    channels: dataset.channels,
    classes: dataset.classes,
    labelType: labels instanceof Uint8Array ? 'uint8' : 'int32',
    decodeSeconds,
  };
  writeJsonAtomic(`${base}.json`, header);
}

/** The cached data set, or undefined when there is none, it is stale (other fingerprint) or incomplete. */
export function readImageCache(base: string, fingerprint: string): ImageDataset | undefined {
  let header: ImageCacheHeader;
  try {
    header = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8'));
  } catch {
    return undefined;
  }
  if (header.format !== FORMAT || header.version !== 1 || header.fingerprint !== fingerprint) return undefined;
  const { count, height, width, channels } = header;
  const images = new Uint8Array(count * height * width * channels); // [N, H, W, C]
  const labels = header.labelType === 'uint8' ? new Uint8Array(count) : new Int32Array(count);
  const complete =
    readExactly(`${base}.images`, images) &&
    readExactly(`${base}.labels`, new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
  if (!complete) return undefined;
  return new ImageDataset({ images, labels, classes: header.classes, height, width, channels, source: header.source });
}

/** Fills `into` with the whole file; false if the file is missing or its size differs. */
function readExactly(file: string, into: Uint8Array): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    if (fs.fstatSync(fd).size !== into.length) return false;
    for (let done = 0; done < into.length;) {
      const n = fs.readSync(fd, into, done, into.length - done, done);
      if (n === 0) return false;
      done += n;
    }
    return true;
  } finally {
    fs.closeSync(fd);
  }
}
