import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { labelled, showTable, tableHtml } from 'spikesplit';

/** The text of every `<td>`, row by row, and the caption. */
function cells(html: string): { caption: string; rows: string[][] } {
  const caption = /<caption[^>]*>(.*?)<\/caption>/.exec(html)?.[1] ?? '';
  const rows = [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]),
  );
  return { caption, rows: rows.filter((r) => r.length > 0) };
}

test('tableHtml renders every row of plain objects under a caption naming preset and backend', () => {
  const html = tableHtml(
    [
      { split: 'RB1', bits: 2048, note: 'a<b & c' },
      { split: 'RB2', bits: 1024, note: '' },
    ],
    { caption: 'Bits per sample', preset: 'tiny', backend: 'wasm' },
  );
  assert.deepEqual(cells(html), {
    caption: 'Bits per sample (preset tiny, backend wasm)',
    rows: [
      ['RB1', '2048', 'a&lt;b &amp; c'],
      ['RB2', '1024', ''],
    ],
  });
  assert.match(html, /^<table[^>]*><caption/);
});

test('tableHtml takes an arquero table as it is', () => {
  const table = aq.from([{ n: 2 }, { n: 3 }]).derive({ square: (d: { n: number }) => d.n * d.n });
  assert.deepEqual(cells(tableHtml(table, { caption: 'Squares', preset: 'cpu', backend: 'cpu' })).rows, [
    ['2', '4'],
    ['3', '9'],
  ]);
});

test('showTable hands the HTML to the display; a label without a backend is an error', () => {
  const shown: string[] = [];
  const display = { html: (s: string) => shown.push(s), png: () => assert.fail('a table shows no PNG') };
  showTable([{ a: 1 }], display, { caption: 'One', preset: 'tiny', backend: 'cpu' });
  assert.equal(shown.length, 1);
  assert.equal(cells(shown[0]).caption, 'One (preset tiny, backend cpu)');
  assert.throws(() => labelled('x', { preset: 'tiny', backend: ' ' }), /backend as a non-empty string; got " "/);
});
