/**
 * Published results: a finished main job's results at one preset, copied from `runs/<preset>/` into
 * `results/<preset>/` (committed to git), with where and how they were made. A fresh clone's notebooks and
 * commands open them before any training: every reader of a result file (`readResults`, `readNeucodex`,
 * `readLinkErrors`, `readTestbed`, `loadBackbone`) takes its path through `readableRunFile`,
 * which answers `runs/<preset>/` as soon as that holds a result of its own (never a mix of the two), else the
 * published copy. What runs and resumes experiments (`pretrainBackbone`, `collectResults`, `runLinkErrors`, ...)
 * and `readBackboneSummary` read `runs/<preset>/` only, so a run never mistakes the published copy for its own work.
 *
 * What is published: the backbone's trained weights (notebook 01's stem spike maps and `spikesplit eval` run
 * them), `results.json` (the backbone's summary, the sweep rows with their intervals, the selection),
 * `neucodex.json`, `link-errors.json`, `testbed.json` (and `testbed-netns.json` when run), and `published.json`,
 * the provenance. Not published: checkpoints, the sweep rows' and NeuCODEX's own weights (no reader of a finished
 * run needs them), metrics logs (the summaries carry the histories). The figures are committed where the
 * notebooks export them, `figures/<preset>/`; `published.json` lists each with its hash.
 *
 * `npm run reproduce` publishes at the end of a run of a preset in `PUBLISHED_PRESETS` (`publishRun`): the copy
 * is built in a staging folder beside it and swapped in by two renames, so it is replaced whole or not at all.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeJsonAtomic } from '../util/atomic';
import { readJsonArtefact } from '../util/artefact';
import { projectRoot } from '../util/project-root';
import { runsDir } from './paths';
import type { Provenance } from './provenance';

/** The presets whose main job `npm run reproduce` publishes. */
export const PUBLISHED_PRESETS: readonly string[] = Object.freeze(['cpu']);

/** Result files a reader opens, relative to `runs/<preset>/`: any one of them in `runs/<preset>/` makes it the source. */
export const RESULT_FILES: readonly string[] = Object.freeze([
  'backbone/summary.json',
  'results.json',
  'neucodex.json',
  'link-errors.json',
  'testbed.json',
]);

/**
 * What a publication copies: the result files the readers open (the backbone's summary is inside results.json)
 * and the backbone's weights; the optional ones when the run made them.
 */
const REQUIRED_FILES = [
  'results.json',
  'neucodex.json',
  'link-errors.json',
  'testbed.json',
  'backbone/weights.json',
  'backbone/weights.bin',
];
const OPTIONAL_FILES = ['testbed-netns.json'];

export const PUBLISHED_MANIFEST = 'published.json';
export const PUBLISHED_FORMAT = 'spikesplit-published';

let root: string | undefined;

/** Makes `dir` the folder of every preset's published copy (the CLI and notebooks pass `SPIKESPLIT_RESULTS_DIR`); undefined: `<project>/results` again. */
export function setPublishedRoot(dir: string | undefined): void {
  root = dir;
}

/** The folder of every preset's published copy: the one set by `setPublishedRoot`, else `<project>/results`. */
export function publishedRoot(): string {
  return root ?? path.join(projectRoot(), 'results');
}

export function publishedDir(preset: string): string {
  return path.join(publishedRoot(), preset);
}

export interface PublishedFile {
  /** Relative to the published folder (or, for figures, to the figures folder). */
  path: string;
  bytes: number;
  sha256: string;
}

/** The provenance of a published run (`results/<preset>/published.json`). */
export interface PublishedRun {
  format: typeof PUBLISHED_FORMAT;
  version: 1;
  preset: string;
  /** The checkout that ran it (`-dirty` with uncommitted changes); each result also records its own. */
  gitRevision: string;
  runStarted: string;
  published: string;
  /** The backend the backbone was trained on (from its summary). */
  backend: string;
  machine: {
    platform: string;
    cpuModel: string;
    cpus: number;
    memoryGiB: number;
    node: string;
    /** 1, 5 and 15 minute load averages when the run started and when it was published. */
    loadAverageAtStart: number[] | null;
    loadAverageAtEnd: number[];
  };
  /** Wall time of each step of the main job, and of the whole. */
  steps: { label: string; seconds: number }[];
  wallSeconds: number;
  files: PublishedFile[];
  figures: { dir: string; files: PublishedFile[] };
}

/** True when `runs/<preset>/` holds a result of its own: then every reader reads there. */
export function hasOwnResults(preset: string): boolean {
  return RESULT_FILES.some((f) => fs.existsSync(path.join(runsDir(preset), f)));
}

/**
 * The file a reader opens for `file`, a path under `runs/<preset>/`: `file` itself when `runs/<preset>/` holds
 * results of its own, else its published copy in `results/<preset>/` when there is one, else `file`.
 */
export function readableRunFile(preset: string, file: string): string {
  const relative = path.relative(runsDir(preset), file);
  if (relative.startsWith('..') || path.isAbsolute(relative) || hasOwnResults(preset)) return file;
  const published = path.join(publishedDir(preset), relative);
  return fs.existsSync(published) ? published : file;
}

/** The provenance of the published run the readers of `preset` read now, or null when they read `runs/<preset>/`. */
export function publishedRun(preset: string): PublishedRun | null {
  const manifest = path.join(publishedDir(preset), PUBLISHED_MANIFEST);
  if (hasOwnResults(preset) || !fs.existsSync(manifest)) return null;
  return readJsonArtefact<PublishedRun>(manifest);
}

/**
 * What a notebook shows: the published copy's `read()` while `runs/<preset>/` has no result of its own and a
 * copy is published (a fresh clone), else `own()`, which reads the user's run and computes what it lacks.
 */
export function publishedOr<T>(preset: string, read: () => T | null, own: () => T | Promise<T>): T | Promise<T> {
  return (publishedRun(preset) !== null ? read() : null) ?? own();
}

/** One line for a notebook or a command: which run is shown, or null for the user's own. */
export function publishedNote(preset: string): string | null {
  const run = publishedRun(preset);
  if (run === null) return null;
  const minutes = (run.wallSeconds / 60).toFixed(0);
  return (
    `Showing the published ${run.preset} run (${path.relative(projectRoot(), publishedDir(preset)) || publishedDir(preset)}): ` +
    `revision ${run.gitRevision.slice(0, 7)}, ${run.runStarted.slice(0, 10)}, ${minutes} min on ${run.machine.cpus} x ${run.machine.cpuModel}; ` +
    `runs/${preset}/ has no results of its own ('npm run reproduce' makes them and publishes them anew)`
  );
}

function describeFile(dir: string, relative: string): PublishedFile {
  const data = fs.readFileSync(path.join(dir, relative));
  return { path: relative, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

export interface PublishOptions {
  /** The main job's steps and their wall times. */
  steps: { label: string; seconds: number }[];
  runStarted: Date;
  /** When the run ended; default now (a run published by its own main job). */
  runFinished?: Date;
  loadAverageAtStart?: number[];
  /** Default: the load average now. */
  loadAverageAtEnd?: number[];
  /** Where the run's figures are (listed with their hashes, not copied); default `<project>/figures/<preset>`. */
  figuresDir?: string;
}

/**
 * Replaces `results/<preset>/` with the finished run in `runs/<preset>/` and its provenance. Throws, leaving
 * the previous copy as it was, when the run lacks a result (naming it).
 */
export function publishRun(preset: string, options: PublishOptions): PublishedRun {
  const from = runsDir(preset);
  const missing = REQUIRED_FILES.filter((f) => !fs.existsSync(path.join(from, f)));
  if (missing.length > 0)
    throw new Error(
      `cannot publish preset '${preset}': ${from} lacks ${missing.join(', ')}; expected a finished main job ('npm run reproduce')`,
    );
  const root = publishedRoot();
  fs.mkdirSync(root, { recursive: true });
  for (const stale of fs.readdirSync(root).filter((n) => n.startsWith(`.${preset}.`)))
    fs.rmSync(path.join(root, stale), { recursive: true, force: true }); // left by a publication that died
  const staging = fs.mkdtempSync(path.join(root, `.${preset}.staging-`));
  try {
    const files = [...REQUIRED_FILES, ...OPTIONAL_FILES.filter((f) => fs.existsSync(path.join(from, f)))];
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(staging, f)), { recursive: true });
      fs.copyFileSync(path.join(from, f), path.join(staging, f));
    }
    const run = publishedRunOf(preset, options, from, staging, files);
    writeJsonAtomic(path.join(staging, PUBLISHED_MANIFEST), run);
    const old = path.join(root, `.${preset}.old-${process.pid}`);
    const target = publishedDir(preset);
    if (fs.existsSync(target)) fs.renameSync(target, old);
    fs.renameSync(staging, target);
    fs.rmSync(old, { recursive: true, force: true });
    return run;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The provenance of the run in `from`, whose `files` are copied to `staging`, with the figures it made. */
function publishedRunOf(
  preset: string,
  options: PublishOptions,
  from: string,
  staging: string,
  files: string[],
): PublishedRun {
  const figuresDir = options.figuresDir ?? path.join(projectRoot(), 'figures', preset);
  const figures = fs.existsSync(figuresDir)
    ? fs
        .readdirSync(figuresDir)
        .filter((f) => /\.(png|svg|html)$/.test(f))
        .sort()
    : [];
  // The run's own provenance (its backbone's), not this checkout's: a run may be published from a later one.
  const trained = readJsonArtefact<Provenance>(path.join(from, 'backbone', 'summary.json'));
  return {
    format: PUBLISHED_FORMAT,
    version: 1,
    preset,
    gitRevision: trained.gitRevision,
    runStarted: options.runStarted.toISOString(),
    published: new Date().toISOString(),
    backend: trained.backend,
    machine: thisMachine(options),
    steps: options.steps,
    wallSeconds: ((options.runFinished ?? new Date()).getTime() - options.runStarted.getTime()) / 1000,
    files: files.map((f) => describeFile(staging, f)),
    figures: {
      dir: path.relative(projectRoot(), figuresDir) || figuresDir,
      files: figures.map((f) => describeFile(figuresDir, f)),
    },
  };
}

/** The machine publishing the run, with the load averages at its start and now (or as `options` give them). */
function thisMachine(options: PublishOptions): PublishedRun['machine'] {
  return {
    platform: `${os.platform()} ${os.arch()}`,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cpus: os.cpus().length,
    memoryGiB: Math.round((10 * os.totalmem()) / 2 ** 30) / 10,
    node: process.version,
    loadAverageAtStart: options.loadAverageAtStart ?? null,
    loadAverageAtEnd: (options.loadAverageAtEnd ?? os.loadavg()).map((l) => Math.round(100 * l) / 100),
  };
}
