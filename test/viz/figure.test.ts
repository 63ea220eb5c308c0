import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { closeFigureRenderer, exportFigure, figure, launchChromium, plotlyHtml, type Figure } from 'spikesplit';

// These tests drive /usr/bin/chromium; where it is missing they fail with a message to install it.
after(() => closeFigureRenderer());

const RED = [255, 0, 0];

function redBars(title: string): Figure {
  return figure({
    title,
    preset: 'tiny',
    backend: 'cpu',
    width: 400,
    height: 300,
    data: [{ type: 'bar', x: ['a', 'b'], y: [1, 2], marker: { color: '#ff0000' } }],
  });
}

/** Parses SVG with the browser's strict XML parser; returns its parse error (or null) and what the checks need. */
async function parseSvg(
  svg: string,
): Promise<{ error: string | null; root: string; width: string | null; texts: string[] }> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    return (await page.evaluate(`((svg) => {
      const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
      const error = doc.querySelector('parsererror');
      return {
        error: error ? error.textContent : null,
        root: doc.documentElement.nodeName,
        width: doc.documentElement.getAttribute('width'),
        texts: [...doc.querySelectorAll('text')].map((t) => t.textContent),
      };
    })(${JSON.stringify(svg)})`)) as { error: string | null; root: string; width: string | null; texts: string[] };
  } finally {
    await browser.close();
  }
}

test("a figure's title carries the preset and backend; a missing one is an error", () => {
  assert.equal(redBars('Red bars').layout.title.text, 'Red bars (preset tiny, backend cpu)');
  assert.throws(
    () => figure({ title: 't', preset: '', backend: 'cpu', data: [{ type: 'bar', y: [1] }] }),
    /preset as a non-empty string/,
  );
  assert.throws(() => figure({ title: 't', preset: 'tiny', backend: 'cpu', data: [] }), /at least one trace/);
  assert.throws(
    () => figure({ title: 't', preset: 'tiny', backend: 'cpu', width: 10.5, data: [{ type: 'bar', y: [1] }] }),
    /layout.width/,
  );
});

test('exportFigure writes a PNG of the layout size with the bars drawn, and an SVG with the title', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-viz-'));
  try {
    const out = await exportFigure(redBars('Red bars'), { name: 'red-bars', figuresDir: path.join(dir, 'figures') });
    assert.equal(out.pngPath, path.join(dir, 'figures', 'red-bars.png'));
    assert.deepEqual(new Uint8Array(fs.readFileSync(out.pngPath)), out.png);
    assert.equal(fs.readFileSync(out.svgPath, 'utf8'), out.svg);

    const png = PNG.sync.read(Buffer.from(out.png));
    assert.equal(png.width, 400);
    assert.equal(png.height, 300);
    const colours = new Set<number>();
    let nonWhite = 0,
      red = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b] = png.data.subarray(i, i + 3);
      colours.add((r << 16) | (g << 8) | b);
      if (r !== 255 || g !== 255 || b !== 255) nonWhite++;
      if (r === RED[0] && g === RED[1] && b === RED[2]) red++;
    }
    assert.deepEqual([...png.data.subarray(0, 3)], [255, 255, 255], 'the background is white');
    assert.ok(colours.size >= 3, `expected bars, axes and text in several colours; got ${colours.size}`);
    // The plot area is 240 x 120 px (400 x 300 less plotly's default margins); the bars fill part of it.
    assert.ok(red > 2000 && red < 240 * 120, `expected a few thousand pure-red bar pixels; got ${red}`);
    assert.ok(nonWhite > red, 'axes and text are drawn besides the bars');

    const svg = await parseSvg(out.svg);
    assert.equal(svg.error, null);
    assert.equal(svg.root, 'svg');
    assert.equal(svg.width, '400');
    assert.ok(
      svg.texts.includes('Red bars (preset tiny, backend cpu)'),
      `title missing from SVG texts: ${svg.texts.join(' | ')}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('exportFigure rejects a name that is a path', async () => {
  await assert.rejects(exportFigure(redBars('x'), { name: '../x', figuresDir: os.tmpdir() }), /figure name must be/);
});

test('plotlyHtml inlines plotly.js once and draws every figure in a browser, whatever its title holds', async () => {
  const first = plotlyHtml(redBars('First'), { id: 'first' });
  const second = plotlyHtml(redBars('Second </script><b>bold</b>'), { id: 'second' });
  assert.match(first, /plotly\.js v\d/);
  assert.doesNotMatch(second, /plotly\.js v\d/);
  assert.ok(second.length < 10_000, 'the second snippet carries the figure only');
  assert.throws(() => plotlyHtml(redBars('x'), { id: 'a"b' }), /id must be/);

  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent(`<!doctype html><html><body>${first}${second}</body></html>`);
    const titles = await page.evaluate(
      `['first', 'second'].map((id) => document.querySelector('#' + id + ' .gtitle')?.textContent ?? null)`,
    );
    // plotly reads <b> in a title as bold; the text survives, and '</script>' did not end the script early.
    assert.deepEqual(titles, ['First (preset tiny, backend cpu)', 'Second </script>bold (preset tiny, backend cpu)']);
  } finally {
    await browser.close();
  }
});
