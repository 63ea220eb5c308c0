/**
 * The settings a user gives through environment variables (README, environment.md), in one place. Library
 * functions never read the environment: an entry point (the CLI, `npm run reproduce`, a notebook's setup cell)
 * calls `applyEnvironment(process.env)` once, which hands each variable to the setter of the module that uses
 * it. A queue worker passes `currentSettings()` to its job threads, each of which applies them.
 *
 * Each entry point takes `SPIKESPLIT_PRESET` as the default of its own preset. `SPIKESPLIT_BACKEND` and
 * `SPIKESPLIT_THREADS` are read where the backend starts and the engine sizes its pool (`initBackend`,
 * `engineThreads`), since the benchmarks rely on those defaults.
 */
import { namedCifar10JpgArchive, setCifar10JpgArchive } from '../data/cifar';
import { runsRoot, setRunsRoot } from './paths';
import { publishedRoot, setPublishedRoot } from './published';

export interface Settings {
  /** `SPIKESPLIT_RUNS_DIR`: the folder of every preset's runs (`setRunsRoot`; default `<project>/runs`). */
  runsRoot?: string;
  /** `SPIKESPLIT_RESULTS_DIR`: the folder of every preset's published copy (`setPublishedRoot`; default `<project>/results`). */
  publishedRoot?: string;
  /** `SPIKESPLIT_CIFAR10_JPG`: the CIFAR-10 JPEG archive (`setCifar10JpgArchive`; default `../shared/data/` beside the project). */
  cifar10JpgArchive?: string;
}

/** Hands each setting to its module; one left undefined goes back to its default. */
export function applySettings(settings: Settings): void {
  setRunsRoot(settings.runsRoot);
  setPublishedRoot(settings.publishedRoot);
  setCifar10JpgArchive(settings.cifar10JpgArchive, '$SPIKESPLIT_CIFAR10_JPG');
}

/** Applies the variables of `env`, an entry point's `process.env`; one that is unset leaves its default. */
export function applyEnvironment(env: NodeJS.ProcessEnv): void {
  applySettings({
    runsRoot: env.SPIKESPLIT_RUNS_DIR,
    publishedRoot: env.SPIKESPLIT_RESULTS_DIR,
    cifar10JpgArchive: env.SPIKESPLIT_CIFAR10_JPG,
  });
}

/** The settings in force, for a thread that loads its own copy of the library (a queue worker's job thread). */
export function currentSettings(): Settings {
  return { runsRoot: runsRoot(), publishedRoot: publishedRoot(), cifar10JpgArchive: namedCifar10JpgArchive() };
}
