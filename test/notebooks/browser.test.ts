/**
 * The workbench as a person meets it: `npm run notebooks`'s server on a free loopback port, Debian's Chromium
 * on its pages, notebooks run through the UI (Cell > Run All) on the tslab kernel. The notebooks run from a
 * copy under notebooks/executed/ (ignored by git), so that the server's autosave never touches the originals.
 * 02-backbone finds no trained backbone in the test's runs folder and trains one at the tiny preset.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium, resultsFile, writeJsonAtomic, linkErrorsFile, setRunsRoot } from 'spikesplit';
import { hasJupyter, ROOT, ensureTslabKernel } from '../../scripts/notebook-runner/jupyter';
import { startNotebookServer, type NotebookServer } from '../../scripts/notebook-runner/server';
import { LINK_ERRORS, RESULTS } from '../viz/fixtures';
import { ink } from '../viz/ink';
import {
  errorOutputs,
  openNotebook,
  outputLines,
  runAllCells,
  startRunAll,
  waitForAllCells,
  waitForCharts,
} from './jupyter-page';

const skip = !hasJupyter()
  ? 'Jupyter (python3-notebook) is missing: run bash scripts/system-deps.sh as root'
  : !fs.existsSync(CHROMIUM_PATH)
    ? `Chromium is missing at ${CHROMIUM_PATH}: run bash scripts/system-deps.sh as root`
    : false;

let work = '';
let server: NotebookServer;
let browser: Browser;
let page: Page;

before(async () => {
  if (skip) return;
  fs.mkdirSync(path.join(ROOT, 'notebooks', 'executed'), { recursive: true });
  work = fs.mkdtempSync(path.join(ROOT, 'notebooks', 'executed', 'browser-'));
  const served = path.join(work, 'notebooks'); // the notebooks write their figures to ../figures/tiny, inside `work`
  fs.mkdirSync(served);
  for (const name of ['00-setup.ipynb', '02-backbone.ipynb', '04-tradeoffs.ipynb'])
    fs.copyFileSync(path.join(ROOT, 'notebooks', name), path.join(served, name));
  // Notebook 04 reads a sweep's results and a link study: hand-made ones, in a runs folder of the test's own.
  const runs = path.join(work, 'runs');
  const env = { ...process.env, SPIKESPLIT_PRESET: 'tiny', SPIKESPLIT_RUNS_DIR: runs };
  setRunsRoot(runs);
  writeJsonAtomic(resultsFile('tiny'), RESULTS);
  writeJsonAtomic(linkErrorsFile('tiny'), LINK_ERRORS);
  setRunsRoot(undefined);
  ensureTslabKernel(() => undefined);
  server = await startNotebookServer({ port: 0, notebookDir: served, env });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the file browser opens with the token, and refuses a request without it', { skip }, async () => {
  const response = await page.goto(server.url);
  assert.equal(response?.status(), 200);
  await page.waitForSelector('#notebook_list a[href$="00-setup.ipynb"]');
  const anonymous = await fetch(`${server.baseUrl}/api/contents`);
  assert.equal(anonymous.status, 403, 'the contents API answers only with the token');
});

test(
  '00-setup runs through the UI on tslab: a table from arquero, one plotly chart, the backend as plain output',
  { skip },
  async () => {
    await openNotebook(page, server, '00-setup.ipynb');
    assert.equal(await page.textContent('.kernel_indicator_name'), 'TypeScript');
    await runAllCells(page);
    assert.deepEqual(await errorOutputs(page), [], 'no cell printed an error or to stderr');
    const stdout = await page.$$eval('.output_area .output_stdout', (els) =>
      els.map((e) => e.textContent ?? '').join('\n'),
    );
    assert.match(stdout, /spikesplit: backend (node|wasm|cpu)/);
    // The arquero table of the matrix product: one row per size, n = 32 ... 512.
    const sizes = await page.$$eval('.output_html table', (tables) => {
      const table = tables.find((t) => t.querySelector('caption')?.textContent?.startsWith('Matrix product'));
      return table
        ? [...table.querySelectorAll('tbody tr')].map((tr) => tr.querySelector('td')?.textContent ?? '')
        : null;
    });
    assert.deepEqual(sizes, ['32', '64', '128', '256', '512']);
    await waitForCharts(page, 1);
    // The chart: plotly drew it (an SVG with one trace of five points); the PNG copy stays out of a trusted page.
    const chart = await page.$$eval('.output_area .js-plotly-plot', (plots) =>
      plots.map((p) => ({
        svg: p.querySelector('svg.main-svg') !== null,
        points: p.querySelectorAll('.scatterlayer .point').length,
      })),
    );
    assert.deepEqual(chart, [{ svg: true, points: 5 }]);
    assert.equal(
      await page.locator('.output_area .output_png').count(),
      0,
      'each figure is shown once: the chart, not also its PNG',
    );
  },
);

test('04-tradeoffs renders its figures, each once, and a screenshot of one is not blank', { skip }, async () => {
  await openNotebook(page, server, '04-tradeoffs.ipynb');
  await runAllCells(page);
  assert.deepEqual(await errorOutputs(page), []);
  await waitForCharts(page, 3);
  const titles = await page.$$eval('.output_area .js-plotly-plot .gtitle', (els) =>
    els.map((e) => e.textContent ?? ''),
  );
  assert.equal(titles.length, 3, `three figures, each once; got ${JSON.stringify(titles)}`);
  assert.match(titles[0], /^Accuracy against bits sent per image/);
  assert.equal(await page.locator('.output_area .output_png').count(), 0);
  const shot = ink(await page.locator('.output_area .js-plotly-plot').first().screenshot());
  assert.ok(
    shot.width >= 600 && shot.height >= 400,
    `the figure is ${shot.width}x${shot.height} px; expected its 720x440 layout`,
  );
  assert.ok(
    shot.inkedFraction > 0.01,
    `${(100 * shot.inkedFraction).toFixed(2)}% of the pixels are not near white: the figure looks blank`,
  );
  assert.ok(shot.colours > 16, `${shot.colours} colours in the figure: expected text, axes and coloured markers`);
});

test(
  '02-backbone trains at the tiny preset: one progress line per epoch, rewritten in place, with images, rate and time left',
  { skip },
  async (t) => {
    await openNotebook(page, server, '02-backbone.ipynb');
    await startRunAll(page);
    // Any line like a progress line, in any output (a terminal's way, a line appended per update, would show many).
    const PROGRESS = /^epoch \d+\/\d+ /;
    const LIVE = /^epoch 1\/1  (\d+)\/100 images \(\d+%\)  \d+ images\/s  ETA \d+:\d\d$/;
    const FINAL = /^epoch 1\/1  100 images in \d+\.\d s  \d+ images\/s$/;
    const states: string[] = []; // the progress line each time it was seen to change
    for (const deadline = Date.now() + 240_000; !FINAL.test(states.at(-1) ?? '');) {
      const lines = await outputLines(page, PROGRESS);
      assert.ok(lines.length <= 1, `at most one progress line at any time; seen ${JSON.stringify(lines)}`);
      if (lines.length === 1 && lines[0] !== states.at(-1)) states.push(lines[0]);
      assert.ok(Date.now() < deadline, `no final progress line within 240 s; seen ${JSON.stringify(states)}`);
      await sleep(100);
    }
    t.diagnostic(`the progress line as sampled: ${JSON.stringify(states)}`);
    await waitForAllCells(page, 240_000);
    const live = states.slice(0, -1);
    assert.ok(
      live.length >= 1,
      `the line was seen while the epoch ran, then replaced by its final one; seen ${JSON.stringify(states)}`,
    );
    for (const line of live) assert.match(line, LIVE);
    const counts = live.map((line) => Number(LIVE.exec(line)![1]));
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => a - b),
      'the count of images only grows',
    );
    assert.deepEqual(await outputLines(page, PROGRESS), [states.at(-1)], 'the cell ends with the final line alone');
    assert.deepEqual(await errorOutputs(page), [], 'no cell printed an error or to stderr');
    const stdout = await page.$$eval('.output_area .output_stdout', (els) =>
      els.map((e) => e.textContent ?? '').join('\n'),
    );
    assert.match(stdout, /^epoch 1: train loss \d+\.\d+ acc \d+\.\d+%/m, 'the epoch summary, as plain output');
    await waitForCharts(page, 2);
  },
);
