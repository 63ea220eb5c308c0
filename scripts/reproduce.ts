/**
 * `npm run reproduce`: the main job. At the preset named by SPIKESPLIT_PRESET (default cpu): runs the
 * experiments (the backbone on every core, as data-parallel replicas; then the split sweep beside NeuCODEX in
 * a second process, one core each; then the link study; each resumes or skips finished work; then the
 * edge-to-cloud testbed, measured afresh on the NeuCODEX models), then executes every notebook headlessly,
 * which read the results and export the figures to figures/<preset>/,
 * then writes figures/<preset>/report.html, one page with every figure. At a preset of PUBLISHED_PRESETS (cpu), it
 * then replaces results/<preset>/, the published copy a fresh clone reads (lib/experiments/published.ts).
 * Prints each step's time.
 */
import { spawn } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import {
  applyEnvironment,
  engineThreads,
  getPreset,
  publishedDir,
  PUBLISHED_PRESETS,
  publishRun,
  reportHtml,
  reportInput,
  writeFileAtomic,
  type ReportTime,
} from 'spikesplit';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(__dirname, 'cli.js');
const NOTEBOOKS = path.join(__dirname, 'run-notebooks.js');

/** Runs one step as a child process; resolves to its wall time (s); a failed step ends the job. */
function step(label: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  console.error(`reproduce: ${label}`);
  const t0 = Date.now();
  return new Promise((resolve) => {
    spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' }).on('exit', (code, signal) => {
      const seconds = (Date.now() - t0) / 1000;
      if (code !== 0) {
        console.error(`reproduce: '${label}' failed (${signal ?? `exit code ${code}`}) after ${seconds.toFixed(0)} s`);
        process.exit(1);
      }
      console.error(`reproduce: ${label} done in ${seconds.toFixed(0)} s`);
      resolve(seconds);
    });
  });
}

async function main(): Promise<void> {
  applyEnvironment(process.env); // its steps are child processes with the same environment
  const preset = getPreset(process.env.SPIKESPLIT_PRESET, 'cpu');
  const env = { ...process.env, SPIKESPLIT_PRESET: preset.name };
  console.error(`reproduce: preset ${preset.name}: ${preset.description}`);
  const runStarted = new Date();
  const loadAverageAtStart = os.loadavg();
  const t0 = runStarted.getTime();
  const steps: ReportTime[] = [];
  const timed = async (label: string, args: string[], stepEnv = env) => {
    steps.push({ label, seconds: await step(label, args, stepEnv) });
  };
  await timed('backbone', [CLI, 'train', '--preset', preset.name]);
  // The sweep and NeuCODEX run side by side: the cores go to the processes, one thread each, unless
  // SPIKESPLIT_THREADS says otherwise (thread pools in two processes on the same cores only contend).
  const sideBySide = {
    ...env,
    SPIKESPLIT_THREADS: process.env.SPIKESPLIT_THREADS || String(Math.max(1, Math.floor(engineThreads() / 2))),
  };
  await Promise.all([
    timed('experiments', [CLI, 'sweep', '--preset', preset.name], sideBySide),
    timed('neucodex', [CLI, 'neucodex', '--preset', preset.name], sideBySide),
  ]);
  await timed('link study', [CLI, 'link-errors', '--preset', preset.name]);
  await timed('testbed', [CLI, 'testbed', '--preset', preset.name]);
  await timed('notebooks', [NOTEBOOKS]);
  const figures = path.join(ROOT, 'figures', preset.name);
  const report = path.join(figures, 'report.html');
  writeFileAtomic(report, reportHtml(reportInput(preset, { steps, figuresDir: figures, runStarted })));
  console.error(`reproduce: wrote ${path.relative(ROOT, report)}`);
  if (PUBLISHED_PRESETS.includes(preset.name)) {
    publishRun(preset.name, { steps, runStarted, loadAverageAtStart, figuresDir: figures });
    console.error(
      `reproduce: published the run to ${path.relative(ROOT, publishedDir(preset.name))}/ (commit it with ${path.relative(ROOT, figures)}/)`,
    );
  }
  console.error(`reproduce: preset ${preset.name} finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

void main();
