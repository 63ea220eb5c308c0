/** Driving the classic Jupyter Notebook UI (python3-notebook 6.4) in Chromium, as a person would: menus, cells. */
import type { Page } from 'playwright-core';
import type { NotebookServer } from '../../scripts/notebook-runner/server';

/** Opens `file` (relative to the served folder) and waits until its kernel has started and is idle. */
export async function openNotebook(page: Page, server: NotebookServer, file: string): Promise<void> {
  await page.goto(`${server.baseUrl}/notebooks/${file}?token=${server.token}`);
  // tslab can take minutes to start on two loaded cores (a CI run timed out at 60 s while the other test files
  // ran); the headless runner gives it the same 300 s.
  await page.waitForSelector('#kernel_indicator_icon.kernel_idle_icon', { timeout: 300_000 });
}

/**
 * Clicks Cell > Run All and waits until every code cell has run (its prompt shows a number, not `*`) and the
 * kernel is idle again.
 */
export async function runAllCells(page: Page, timeoutMs = 120_000): Promise<void> {
  await startRunAll(page);
  await waitForAllCells(page, timeoutMs);
}

/** Clicks Cell > Run All, and returns while the cells run. */
export async function startRunAll(page: Page): Promise<void> {
  await page.click('#celllink');
  await page.click('#run_all_cells > a');
}

/** Waits until every code cell has run (its prompt shows a number, not `*`) and the kernel is idle again. */
export async function waitForAllCells(page: Page, timeoutMs = 120_000): Promise<void> {
  // A string, evaluated in the page (this project compiles without the DOM's types).
  await page.waitForFunction(
    `(() => {
      const prompts = [...document.querySelectorAll('.code_cell .input_prompt')].map((p) => p.textContent);
      return prompts.length > 0 && prompts.every((p) => /In\\s*\\[\\d+\\]/.test(p)) && document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null;
    })()`,
    undefined,
    { timeout: timeoutMs, polling: 250 },
  );
}

/** The text of every error and stderr output on the page (empty when none). */
export async function errorOutputs(page: Page): Promise<string[]> {
  return page.$$eval('.output_area .output_error, .output_area .output_stderr', (els) =>
    els.map((e) => e.textContent ?? ''),
  );
}

/**
 * Waits until `count` plotly charts have drawn in the output area: a cell's prompt shows its number once the
 * kernel is done, while the page may still be running the chart's script (plotly.js itself, inlined).
 */
export async function waitForCharts(page: Page, count: number, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(
    `document.querySelectorAll('.output_area .js-plotly-plot svg.main-svg .gtitle').length >= ${count}`,
    undefined,
    { timeout: timeoutMs, polling: 250 },
  );
}

/** Every line of text in the output area that matches `pattern` (a line per match, whatever output holds it). */
export async function outputLines(page: Page, pattern: RegExp): Promise<string[]> {
  const texts = await page.$$eval('.output_area pre', (els) => els.map((e) => e.textContent ?? ''));
  return texts.flatMap((t) => t.split('\n')).filter((line) => pattern.test(line));
}
