/**
 * `npm run reproduce`: the main job. At the preset named by SPIKESPLIT_PRESET (default cpu): runs the
 * experiments (the backbone, then the split sweep; both resume and skip finished work), then executes every
 * notebook headlessly, which read the results and export the figures to figures/. Prints each step's time.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { getPreset } from 'spikesplit';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(__dirname, 'cli.js');
const NOTEBOOKS = path.join(__dirname, 'run-notebooks.js');

function step(label: string, args: string[], env: NodeJS.ProcessEnv): number {
  console.error(`reproduce: ${label}`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
  const seconds = (Date.now() - t0) / 1000;
  if (r.status !== 0) {
    console.error(`reproduce: '${label}' failed (${r.signal ?? `exit code ${r.status}`}) after ${seconds.toFixed(0)} s`);
    process.exit(1);
  }
  console.error(`reproduce: ${label} done in ${seconds.toFixed(0)} s`);
  return seconds;
}

function main(): void {
  const preset = getPreset(process.env.SPIKESPLIT_PRESET, 'cpu');
  const env = { ...process.env, SPIKESPLIT_PRESET: preset.name };
  console.error(`reproduce: preset ${preset.name}: ${preset.description}`);
  const t0 = Date.now();
  step('experiments', [CLI, 'sweep', '--preset', preset.name], env);
  step('notebooks', [NOTEBOOKS], env);
  console.error(`reproduce: preset ${preset.name} finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

main();
