import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  closeFigureRenderer,
  exportFigure,
  figure,
  getPreset,
  linkErrorsFile,
  listFigures,
  reportHtml,
  reportInput,
  resultsFile,
  svgTitle,
  writeJsonAtomic,
  setRunsRoot,
} from 'spikesplit';
import { LINK_ERRORS, RESULTS } from './fixtures';

after(() => closeFigureRenderer());

test('svgTitle reads the title out of an SVG that plotly exported; listFigures pairs SVG and PNG by name', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-report-'));
  try {
    const fig = figure({
      title: 'Bits & <bytes><br>per image',
      preset: 'tiny',
      backend: 'cpu',
      width: 300,
      height: 200,
      data: [{ type: 'bar', x: ['a'], y: [1] }],
    });
    const out = await exportFigure(fig, { name: '03-bytes', figuresDir: dir });
    assert.equal(
      svgTitle(out.svg),
      'Bits & <bytes> per image (preset tiny, backend cpu)',
      'the lines of a title broken with <br> joined by a space',
    );
    fs.writeFileSync(path.join(dir, 'orphan.svg'), '<svg></svg>'); // no PNG beside it: not a figure
    const figures = listFigures(dir);
    assert.deepEqual(
      figures.map((f) => [f.name, f.caption]),
      [['03-bytes', 'Bits & <bytes> per image (preset tiny, backend cpu)']],
    );
    assert.equal(svgTitle('<svg><text class="xtitle">x</text></svg>'), null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('reportInput gathers preset, backend, data, revisions and recorded times from the results store', () => {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-runs-'));
  setRunsRoot(runs);
  try {
    writeJsonAtomic(resultsFile('tiny'), RESULTS);
    writeJsonAtomic(linkErrorsFile('tiny'), LINK_ERRORS);
    const runStarted = new Date('2026-01-02T00:00:00Z');
    const input = reportInput(getPreset('tiny'), {
      steps: [{ label: 'experiments', seconds: 12.5 }],
      figuresDir: path.join(runs, 'no-figures'),
      runStarted,
    });
    assert.equal(input.preset, 'tiny');
    assert.deepEqual(input.backends, ['cpu']);
    assert.equal(input.data, 'hand-made data');
    assert.deepEqual(input.resultRevisions, ['abc123']);
    // Backbone 100 s; five sweep rows of 10 s; the link study 3 s.
    assert.deepEqual(
      input.recorded.map((t) => t.seconds),
      [100, 50, 3],
    );
    assert.deepEqual(input.figures, []);
    assert.match(input.caveat ?? '', /^Preset tiny \(seconds: .*\)\. It only checks that everything runs/);
  } finally {
    setRunsRoot(undefined);
    fs.rmSync(runs, { recursive: true, force: true });
  }
});

test('reportHtml shows each figure as its PNG linked to its SVG, escapes captions, and marks figures older than the run', () => {
  const runStarted = new Date('2026-01-02T00:00:00Z');
  const html = reportHtml({
    preset: 'tiny',
    presetDescription: 'seconds',
    caveat: 'Preset tiny <checks>.',
    backends: ['wasm'],
    data: 'sample',
    resultRevisions: ['abc'],
    checkoutRevision: 'abc-dirty',
    steps: [
      { label: 'experiments', seconds: 30 },
      { label: 'notebooks', seconds: 90 },
    ],
    recorded: [{ label: 'backbone training', seconds: 11 }],
    figures: [
      {
        name: '01-raster',
        caption: 'Spikes <1> (preset tiny, backend wasm)',
        written: new Date('2026-01-02T00:01:00Z'),
      },
      { name: '09-old', caption: null, written: new Date('2026-01-01T00:00:00Z') },
    ],
    runStarted,
    generated: new Date('2026-01-02T00:05:00Z'),
  });
  assert.match(
    html,
    /<a href="01-raster.svg"><img src="01-raster.png" alt="Spikes &lt;1&gt; \(preset tiny, backend wasm\)"><\/a>/,
  );
  assert.match(html, /<code>09-old<\/code>: \(no title\) <span class="stale">\(not written by this run/);
  assert.doesNotMatch(html, /01-raster<\/code>[^\n]*stale/);
  assert.match(html, /<td>total<\/td><td class="num">2 min 0 s<\/td>/);
  assert.match(html, /class="warning">Preset tiny &lt;checks&gt;.<\/p>/);
  assert.match(html, /git revision of the checkout<\/th><td>abc-dirty/);
});
