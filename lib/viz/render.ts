/**
 * Renders figures to SVG and PNG with plotly.js in headless Chromium (`/usr/bin/chromium`, driven by
 * playwright-core, which never downloads a browser here). One browser per process, started on first use, with
 * plotly.js loaded once into one page. playwright-core kills it when the process exits; a script that wants to
 * end before then calls `closeFigureRenderer()`.
 */
import * as fs from 'fs';
import type { Browser, Page } from 'playwright-core';
import { checkFigure, type Figure } from './figure';
import { PLOTLY_PATH } from './plotly';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface RenderedFigure {
  /** The SVG document. */
  svg: string;
  /** PNG bytes, `layout.width` by `layout.height` pixels. */
  png: Uint8Array;
}

let session: Promise<{ browser: Browser; page: Page }> | null = null;

/** Starts a headless Chromium of its own; the caller closes it. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `headless rendering needs Chromium at ${CHROMIUM_PATH}, which is missing; install it with 'apt-get install -y chromium'`,
    );
  }
  const { chromium } = await import('playwright-core');
  // SIGINT is how Jupyter interrupts a kernel: playwright must not turn it into an exit.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, handleSIGINT: false });
}

async function openSession(): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ path: PLOTLY_PATH });
    return { browser, page };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** Runs in the page: draws the figure into a fresh element, returns plotly's SVG and PNG data URLs. */
const RENDER_IN_PAGE = `async (fig) => {
  const el = document.createElement('div');
  document.body.appendChild(el);
  try {
    await Plotly.newPlot(el, fig.data, fig.layout, { staticPlot: true });
    const size = { width: fig.layout.width, height: fig.layout.height, scale: 1 };
    return {
      svg: await Plotly.toImage(el, { format: 'svg', ...size }),
      png: await Plotly.toImage(el, { format: 'png', ...size }),
    };
  } finally {
    Plotly.purge(el);
    el.remove();
  }
}`;

function dataUrlPayload(url: string, prefix: string): string {
  if (!url.startsWith(prefix)) {
    throw new Error(
      `plotly returned an image starting '${url.slice(0, 40)}'; expected a data URL starting '${prefix}'`,
    );
  }
  return url.slice(prefix.length);
}

/** The SVG and PNG of `fig`, drawn by plotly.js in the shared headless page. */
export async function renderFigure(fig: Figure): Promise<RenderedFigure> {
  checkFigure(fig);
  if (!session) {
    const opening = openSession();
    session = opening;
    opening.catch(() => {
      if (session === opening) session = null; // a failed start is retried by the next call
    });
  }
  const { page } = await session;
  const urls = (await page.evaluate(`(${RENDER_IN_PAGE})(${JSON.stringify(fig)})`)) as { svg: string; png: string };
  return {
    svg: decodeURIComponent(dataUrlPayload(urls.svg, 'data:image/svg+xml,')),
    png: new Uint8Array(Buffer.from(dataUrlPayload(urls.png, 'data:image/png;base64,'), 'base64')),
  };
}

/** Closes the browser, if one was started; the next render starts a new one. */
export async function closeFigureRenderer(): Promise<void> {
  const open = session;
  session = null;
  if (open) await (await open.catch(() => null))?.browser.close();
}
