import * as fs from 'fs';
import * as path from 'path';
import { ProgressOptions } from '../util/progress';
import { CIFAR10_CLASSES, CifarSplit, parseCifarRecords, readCifarBinary } from './cifar-binary';
import { ImageDataset } from './dataset';
import { downloadVerified, md5OfFile } from './download';
import { loadImageFolder } from './image-folder';
import { projectRoot } from '../util/project-root';
import { defaultDataDir } from './paths';

/** An official binary release: its tarball, the folder it unpacks to, and the published md5. */
export interface CifarRelease {
  url: string;
  tarball: string; // file name under data/downloads/
  folder: string; // folder name the tarball unpacks to
  md5: string;
}

export const CIFAR10_BINARY_RELEASE: CifarRelease = Object.freeze({
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
  tarball: 'cifar-10-binary.tar.gz',
  folder: 'cifar-10-batches-bin',
  md5: 'c32a1d4ab5d03f1284b67883e8d87530',
});

export const CIFAR100_BINARY_RELEASE: CifarRelease = Object.freeze({
  url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
  tarball: 'cifar-100-binary.tar.gz',
  folder: 'cifar-100-binary',
  md5: '03b5dce01913d631647c71ecec9e9cb8',
});

interface CommonOptions {
  split: CifarSplit;
  /** Holds `downloads/` and `cache/`; default `<project>/data`. */
  dataDir?: string;
  /** Progress of downloads and decoding on stderr by default; `false` for none. */
  progress?: ProgressOptions | false;
}

export interface Cifar10Options extends CommonOptions {
  /**
   * Which data: `auto` (default) takes the first present of the official binaries under
   * `<dataDir>/downloads/`, the shared JPEG archive, the embedded sample; the others insist on one.
   */
  source?: 'auto' | 'binary' | 'jpg' | 'sample';
  /**
   * The CIFAR-10 JPEG archive (`cifar10-jpg.tar.gz`). Default: the one set by `setCifar10JpgArchive`
   * (`$SPIKESPLIT_CIFAR10_JPG` at the entry points), else `../shared/data/cifar10-jpg.tar.gz` beside the
   * project (skipped by `auto` if absent there). An explicit path must exist; null never uses an archive.
   */
  jpgArchive?: string | null;
  /** Download the official binaries when they are absent (default false). */
  download?: boolean;
}

/** CIFAR-10 from the best source at hand; `source` of the result says which was used. */
export async function loadCifar10(options: Cifar10Options): Promise<ImageDataset> {
  const dataDir = options.dataDir ?? defaultDataDir();
  const choice = options.source ?? 'auto';
  if (choice === 'auto' || choice === 'binary') {
    const location = await officialRelease(CIFAR10_BINARY_RELEASE, dataDir, options, choice === 'binary');
    if (location !== undefined) return readCifarBinary(location, { variant: 'cifar10', split: options.split });
  }
  if (choice === 'auto' || choice === 'jpg') {
    const archive = jpgArchivePath(options.jpgArchive, choice === 'jpg');
    if (archive !== undefined) {
      const dataset = await loadImageFolder(archive, {
        root: `cifar10-jpg/${options.split}`,
        cacheDir: path.join(dataDir, 'cache'),
        progress: options.progress,
      });
      if (dataset.classes.join() !== CIFAR10_CLASSES.join()) {
        throw new Error(
          `${dataset.source} has classes ${dataset.classes.join(', ')}; expected the 10 CIFAR-10 classes`,
        );
      }
      return dataset;
    }
  }
  const file = path.join(defaultDataDir(), 'sample', `${options.split}.bin`);
  return parseCifarRecords([fs.readFileSync(file)], { variant: 'cifar10' }, `embedded sample ${file}`);
}

export interface Cifar100Options extends CommonOptions {
  /** Fine (100 classes, default) or coarse (20 superclasses) labels. */
  labels?: 'fine' | 'coarse';
  /** Download the official binaries when they are absent (default true). */
  download?: boolean;
}

/** CIFAR-100 from the official binaries (downloaded when absent and allowed); throws saying where to put them. */
export async function loadCifar100(options: Cifar100Options): Promise<ImageDataset> {
  const dataDir = options.dataDir ?? defaultDataDir();
  const location = await officialRelease(
    CIFAR100_BINARY_RELEASE,
    dataDir,
    { ...options, download: options.download ?? true },
    true,
  );
  return readCifarBinary(location!, { variant: 'cifar100', split: options.split, labels: options.labels });
}

/**
 * The unpacked folder or the md5-verified tarball of `release` under `<dataDir>/downloads/`, downloading the
 * tarball if allowed. When neither is there: undefined, or (if `required`) an error saying what to place where.
 */
async function officialRelease(
  release: CifarRelease,
  dataDir: string,
  options: { download?: boolean; progress?: ProgressOptions | false },
  required: boolean,
): Promise<string | undefined> {
  const downloads = path.join(dataDir, 'downloads');
  const folder = path.join(downloads, release.folder);
  const tarball = path.join(downloads, release.tarball);
  if (fs.existsSync(folder)) return folder;
  if (fs.existsSync(tarball)) {
    const md5 = await md5OfFile(tarball);
    if (md5 !== release.md5) {
      throw new Error(
        `${tarball} has md5 ${md5}, expected ${release.md5} (the official ${release.url}); ` +
          `it is incomplete or a different file: delete it and download it again`,
      );
    }
    return tarball;
  }
  let failure = 'download not attempted (download: false)';
  if (options.download) {
    try {
      await downloadVerified({ url: release.url, file: tarball, md5: release.md5 }, { progress: options.progress });
      return tarball;
    } catch (err) {
      failure = `download failed: ${(err as Error).message}`;
    }
  }
  if (!required) return undefined;
  throw new Error(
    `${release.tarball} is not in ${downloads} (${failure}). Download ${release.url} (md5 ${release.md5}) ` +
      `elsewhere and place it at ${tarball}, or place the folder it unpacks to at ${folder}`,
  );
}

/** The archive an entry point named (the CLI and notebooks: `SPIKESPLIT_CIFAR10_JPG`), and what its errors call the name. */
let named: { file: string; origin: string } | undefined;

/**
 * Makes `file` the archive `loadCifar10` reads when its options name none; `origin` is what named it, which an
 * error for a missing archive names (`$SPIKESPLIT_CIFAR10_JPG`). Undefined: the shared default path again.
 */
export function setCifar10JpgArchive(file: string | undefined, origin: string): void {
  named = file === undefined ? undefined : { file, origin };
}

/** The archive set by `setCifar10JpgArchive`, or undefined when none is. */
export function namedCifar10JpgArchive(): string | undefined {
  return named?.file;
}

/** The archive set by `setCifar10JpgArchive`, else `../shared/data/cifar10-jpg.tar.gz` beside the project root (may not exist). */
export function defaultCifar10JpgArchive(): string {
  return named?.file ?? path.resolve(projectRoot(), '..', 'shared', 'data', 'cifar10-jpg.tar.gz');
}

/** The JPEG archive to use, or undefined when none is at the shared default path (and it is not `required`). */
function jpgArchivePath(option: string | null | undefined, required: boolean): string | undefined {
  if (option === null) {
    if (required)
      throw new Error(`loadCifar10 source 'jpg' with jpgArchive: null; expected a path to cifar10-jpg.tar.gz`);
    return undefined;
  }
  const archive = option ?? defaultCifar10JpgArchive();
  if (fs.existsSync(archive)) return archive;
  const origin = option !== undefined ? 'jpgArchive' : (named?.origin ?? '');
  if (origin !== '' || required) {
    throw new Error(
      `the CIFAR-10 JPEG archive ${archive}${origin ? ` (from ${origin})` : ''} does not exist; expected cifar10-jpg.tar.gz`,
    );
  }
  return undefined;
}
