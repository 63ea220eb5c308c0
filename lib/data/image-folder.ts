import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { Progress, ProgressOptions } from '../util/progress';
import { ImageDataset } from './dataset';
import { readImageCache, writeImageCache } from './image-cache';
import { defaultDataDir } from './paths';
import { listTar, readTar } from './tar';
import { FileError } from '../util/file-error';

/**
 * An image folder: one sub-folder per class holding JPEG or PNG files of one size, as a directory on disk
 * or inside a tar(.gz) archive read without unpacking, e.g. `cifar10-jpg/train/<class>/<NNNN>.jpg`.
 * Images are decoded once to RGB and cached under `data/cache/`; later loads read the cache.
 * Labels number the class folders in sorted order (for CIFAR-10 that is the official label order, which is
 * alphabetical). Images are ordered by label, then file name.
 */
export interface ImageFolderOptions {
  /** Folder (inside the archive or directory) whose sub-folders are the classes; default its top level. */
  root?: string;
  /** Where decoded data sets are cached; default `<project>/data/cache`; null for no cache. */
  cacheDir?: string | null;
  /** Decoding progress on stderr by default; `false` for none. */
  progress?: ProgressOptions | false;
}

interface ImageFile {
  path: string; // inside the archive, or relative to the directory
  label: number;
}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);

export async function loadImageFolder(source: string, options: ImageFolderOptions = {}): Promise<ImageDataset> {
  const location = path.resolve(source);
  const root = (options.root ?? '').replace(/^\.\/|\/+$/g, '');
  if (!fs.existsSync(location))
    throw new Error(`image folder ${location} does not exist; expected a directory or a .tar(.gz) archive`);
  const isDirectory = fs.statSync(location).isDirectory();
  const describe = `image folder ${location}${root ? ` [${root}]` : ''}`;

  // An archive is fingerprinted by its size and time (cheap); a directory by its listing.
  const listing = isDirectory ? listDirectory(path.join(location, root)) : undefined;
  const fingerprint = isDirectory ? hashListing(listing!) : archiveFingerprint(location);
  const cacheDir = options.cacheDir === undefined ? path.join(defaultDataDir(), 'cache') : options.cacheDir;
  const cacheBase = cacheDir === null ? undefined : path.join(cacheDir, cacheName(location, root));
  const cached = cacheBase === undefined ? undefined : readImageCache(cacheBase, fingerprint);
  if (cached !== undefined) return cached;

  const members = listing ?? (await listArchive(location, root));
  const { classes, files } = classify(members, describe);
  const startMs = Date.now();
  const dataset = await decodeAll(location, isDirectory, root, classes, files, describe, options.progress);
  if (cacheBase !== undefined) writeImageCache(cacheBase, dataset, fingerprint, (Date.now() - startMs) / 1000);
  return dataset;
}

/** `{ path: '<class>/<file>', bytes, mtimeMs }` of the files in the class folders below `dir`. */
function listDirectory(dir: string): { path: string; bytes: number; mtimeMs: number }[] {
  if (!fs.existsSync(dir))
    throw new Error(`image folder ${dir} does not exist; expected a directory with one folder per class`);
  const out: { path: string; bytes: number; mtimeMs: number }[] = [];
  for (const cls of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!cls.isDirectory() || cls.name.startsWith('.')) continue;
    for (const f of fs.readdirSync(path.join(dir, cls.name), { withFileTypes: true })) {
      if (!f.isFile()) continue;
      const st = fs.statSync(path.join(dir, cls.name, f.name));
      out.push({ path: `${cls.name}/${f.name}`, bytes: st.size, mtimeMs: st.mtimeMs });
    }
  }
  return out;
}

/** Archive members below `root`, with `root/` removed from their paths. */
async function listArchive(archive: string, root: string): Promise<{ path: string; bytes: number }[]> {
  const prefix = root ? `${root}/` : '';
  const out: { path: string; bytes: number }[] = [];
  for (const m of await listTar(archive)) {
    const p = m.path.replace(/^\.\//, '');
    if (p.startsWith(prefix)) out.push({ path: p.slice(prefix.length), bytes: m.bytes });
  }
  if (out.length === 0)
    throw new Error(`${archive} has no files under '${root}/'; expected <root>/<class>/<image> members`);
  return out;
}

/** Class names and labelled image files, sorted by label then name; hidden and non-image files are skipped. */
function classify(members: { path: string }[], describe: string): { classes: string[]; files: ImageFile[] } {
  const byClass = new Map<string, string[]>();
  for (const { path: p } of members) {
    const parts = p.split('/');
    const name = parts[parts.length - 1];
    if (name.startsWith('.') || !IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase())) continue;
    if (parts.length !== 2)
      throw new Error(`${describe}: '${p}' is not <class>/<image>; expected one folder level per class`);
    const list = byClass.get(parts[0]) ?? [];
    list.push(p);
    byClass.set(parts[0], list);
  }
  if (byClass.size === 0) throw new Error(`${describe} has no JPEG or PNG files in class folders`);
  // Sorted names; for CIFAR-10's folders this is its official label order, which is alphabetical.
  const classes = [...byClass.keys()].sort();
  const files = classes.flatMap((cls, label) =>
    byClass
      .get(cls)!
      .sort()
      .map((p) => ({ path: p, label })),
  );
  return { classes, files };
}

async function decodeAll(
  location: string,
  isDirectory: boolean,
  root: string,
  classes: string[],
  files: ImageFile[],
  describe: string,
  progressOptions: ProgressOptions | false | undefined,
): Promise<ImageDataset> {
  const progress =
    progressOptions === false
      ? undefined
      : new Progress(files.length, {
          label: `decoding ${path.basename(location)}${root ? `/${root}` : ''}`,
          ...progressOptions,
        });
  const labels = classes.length <= 256 ? new Uint8Array(files.length) : new Int32Array(files.length);
  const slot = new Map<string, number>();
  files.forEach((f, i) => {
    slot.set(f.path, i);
    labels[i] = f.label;
  });
  let images: Uint8Array | undefined; // [N, H, W, 3], allocated at the first image
  let size = { width: 0, height: 0, first: '' };
  let decoded = 0;

  const put = (p: string, bytes: Uint8Array) => {
    const i = slot.get(p)!;
    const img = decodeImage(bytes, `${describe}: ${p}`);
    if (images === undefined) {
      size = { width: img.width, height: img.height, first: p };
      images = new Uint8Array(files.length * img.width * img.height * 3);
    } else if (img.width !== size.width || img.height !== size.height) {
      throw new Error(
        `${describe}: ${p} is ${img.width}x${img.height}, expected ${size.width}x${size.height} like ${size.first}; ` +
          `all images of a folder must have one size`,
      );
    }
    img.writeRgb(images, i * img.width * img.height * 3);
    decoded++;
    progress?.tick();
  };

  if (isDirectory) {
    for (const f of files) put(f.path, fs.readFileSync(path.join(location, root, f.path)));
  } else {
    const prefix = root ? `${root}/` : '';
    const inside = (p: string) => p.replace(/^\.\//, '').slice(prefix.length);
    for await (const m of readTar(location, (p) => slot.has(inside(p)))) put(inside(m.path), m.data);
  }
  progress?.done();
  if (images === undefined || decoded !== files.length) {
    throw new Error(`${describe}: decoded ${decoded} of ${files.length} listed images; expected all of them`);
  }
  return new ImageDataset({
    images,
    labels,
    classes,
    height: size.height,
    width: size.width,
    channels: 3,
    source: describe,
  });
}

/** A decoded JPEG or PNG (chosen by its magic bytes) that writes itself as RGB into a larger buffer. */
function decodeImage(
  bytes: Uint8Array,
  name: string,
): { width: number; height: number; writeRgb(out: Uint8Array, at: number): void } {
  const decode = <T>(kind: string, run: () => T): T => {
    try {
      return run();
    } catch (err) {
      throw new FileError(
        name,
        `${name}: cannot decode it as ${kind} (${(err as Error).message}); the file is truncated or corrupt`,
      );
    }
  };
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const { width, height, data } = decode('JPEG', () => jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false })); // RGB
    return { width, height, writeRgb: (out, at) => out.set(data, at) };
  }
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    const { width, height, data } = decode('PNG', () =>
      PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
    ); // RGBA
    return {
      width,
      height,
      writeRgb: (out, at) => {
        for (let p = 0, q = at; p < data.length; p += 4, q += 3) {
          out[q] = data[p];
          out[q + 1] = data[p + 1];
          out[q + 2] = data[p + 2]; // alpha dropped
        }
      },
    };
  }
  throw new FileError(
    name,
    `${name} is neither JPEG nor PNG (starts with bytes ${Array.from(bytes.subarray(0, 4)).join(' ')})`,
  );
}

function archiveFingerprint(archive: string): string {
  const st = fs.statSync(archive);
  return `archive bytes=${st.size} mtimeMs=${st.mtimeMs}`;
}

function hashListing(listing: { path: string; bytes: number; mtimeMs: number }[]): string {
  const lines = listing.map((m) => `${m.path}\t${m.bytes}\t${m.mtimeMs}`).sort();
  return `listing sha1=${crypto.createHash('sha1').update(lines.join('\n')).digest('hex')}`;
}

/** `<archive or folder name>-<root>-<hash of both>`, e.g. `cifar10-jpg-train-3fa2b1c4d5`. */
function cacheName(location: string, root: string): string {
  const base = path.basename(location).replace(/\.(tar\.gz|tgz|tar)$/i, '');
  const slug = [base, path.basename(root)]
    .filter(Boolean)
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${slug}-${crypto.createHash('sha1').update(`${location}\n${root}`).digest('hex').slice(0, 10)}`;
}
