/**
 * The report of a main-job run, `figures/report.html`: one static page that shows every exported figure (its PNG,
 * linked to its SVG) with its caption, and states the preset, backend, data, git revisions and times. Figures are
 * found in the figures folder, captioned by their plotly title (which names preset and backend); a figure that
 * this run did not write is marked as left over from an earlier one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readLinkErrors } from '../experiments/link-errors';
import type { Preset } from '../experiments/preset';
import { gitRevision } from '../experiments/provenance';
import { readResults } from '../experiments/results';
import { presetCaveat } from './caveat';

export interface ReportFigure {
  /** File name without extension: `<name>.png` and `<name>.svg` in the figures folder. */
  name: string;
  /** The figure's title, from its SVG; null when it has none. */
  caption: string | null;
  /** When the PNG was written. */
  written: Date;
}

export interface ReportTime {
  label: string;
  seconds: number;
}

export interface ReportInput {
  preset: string;
  presetDescription: string;
  /** What the preset's numbers can say (`presetCaveat`), or null. */
  caveat: string | null;
  /** The backend(s) the stored results were computed on. */
  backends: string[];
  data: string;
  /** The git revisions the stored results were computed at, and the checkout's now. */
  resultRevisions: string[];
  checkoutRevision: string;
  /** This run's steps, as timed by the main job. */
  steps: ReportTime[];
  /** Compute time recorded with the results (kept when a later run skips the finished work). */
  recorded: ReportTime[];
  figures: ReportFigure[];
  /** Figures written before this are marked as not from this run. */
  runStarted: Date;
  generated: Date;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === '#')
      return String.fromCodePoint(
        code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : Number(code.slice(1)),
      );
    return ENTITIES[code.toLowerCase()] ?? whole;
  });
}

/** The text of plotly's title element (`<text class="gtitle">`) in an exported SVG, or null when it has none. */
export function svgTitle(svg: string): string | null {
  const m = /<text\b[^>]*\bclass="gtitle"[^>]*>([\s\S]*?)<\/text>/.exec(svg);
  if (!m) return null;
  // A title broken with <br> is one <tspan> per line.
  const text = decodeEntities(m[1].replace(/<\/tspan>\s*<tspan\b/g, ' <tspan').replace(/<[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? null : text;
}

/** Every figure exported to `figuresDir` (an SVG with its PNG beside it), by name. */
export function listFigures(figuresDir: string): ReportFigure[] {
  if (!fs.existsSync(figuresDir)) return [];
  return fs
    .readdirSync(figuresDir)
    .filter((f) => f.endsWith('.svg') && fs.existsSync(path.join(figuresDir, f.replace(/\.svg$/, '.png'))))
    .sort()
    .map((f) => {
      const name = f.replace(/\.svg$/, '');
      return {
        name,
        caption: svgTitle(fs.readFileSync(path.join(figuresDir, f), 'utf8')),
        written: fs.statSync(path.join(figuresDir, `${name}.png`)).mtime,
      };
    });
}

const unique = (xs: string[]) => [...new Set(xs)];

/**
 * What the report states, from the preset's results store (`results.json`, `link-errors.json`), the main job's
 * step times and the figures folder. Throws when the preset has no results yet.
 */
export function reportInput(
  preset: Preset,
  options: { steps: ReportTime[]; figuresDir: string; runStarted: Date },
): ReportInput {
  const results = readResults(preset.name);
  if (results === null || results.backbone === null) {
    throw new Error(
      `no results for preset '${preset.name}' to report; run 'spikesplit sweep --preset ${preset.name}' first`,
    );
  }
  const link = readLinkErrors(preset.name);
  const stored = [results.backbone, ...results.rows, ...(link ? [link] : [])];
  const recorded: ReportTime[] = [
    { label: 'backbone training', seconds: results.backbone.trainSeconds },
    {
      label: `split sweep (${results.rows.length} configurations)`,
      seconds: results.rows.reduce((s, r) => s + r.wallSeconds, 0),
    },
    ...(link
      ? [
          {
            label: `link study (${link.splits.length} split points)`,
            seconds: link.splits.reduce((s, x) => s + x.wallSeconds, 0),
          },
        ]
      : []),
  ];
  return {
    preset: preset.name,
    presetDescription: preset.description,
    caveat: presetCaveat(preset),
    backends: unique(stored.map((s) => s.backend)),
    data: results.backbone.data,
    resultRevisions: unique(stored.map((s) => s.gitRevision)),
    checkoutRevision: gitRevision(),
    steps: options.steps,
    recorded,
    figures: listFigures(options.figuresDir),
    runStarted: options.runStarted,
    generated: new Date(),
  };
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function timeTable(caption: string, times: ReportTime[]): string {
  const total = times.reduce((s, t) => s + t.seconds, 0);
  const rows = times
    .map((t) => `<tr><td>${escapeHtml(t.label)}</td><td class="num">${duration(t.seconds)}</td></tr>`)
    .join('\n');
  return `<table><caption>${escapeHtml(caption)}</caption>\n${rows}\n<tr class="total"><td>total</td><td class="num">${duration(total)}</td></tr></table>`;
}

/** The report page. File references are relative: the page lives in the figures folder beside the images. */
export function reportHtml(input: ReportInput): string {
  const facts: [string, string][] = [
    ['preset', `${input.preset}: ${input.presetDescription}`],
    ['backend', input.backends.join(', ')],
    ['data', input.data],
    ['git revision of the results', input.resultRevisions.join(', ')],
    ['git revision of the checkout', input.checkoutRevision],
    ['report written', input.generated.toISOString()],
  ];
  const warning = input.caveat === null ? '' : `<p class="warning">${escapeHtml(input.caveat)}</p>`;
  const figures = input.figures.map((f) => {
    const stale =
      f.written < input.runStarted
        ? ` <span class="stale">(not written by this run: left over from ${f.written.toISOString()})</span>`
        : '';
    const file = encodeURIComponent(f.name);
    return `<figure id="${escapeHtml(f.name)}">
<a href="${file}.svg"><img src="${file}.png" alt="${escapeHtml(f.caption ?? f.name)}"></a>
<figcaption><code>${escapeHtml(f.name)}</code>: ${escapeHtml(f.caption ?? '(no title)')}${stale}</figcaption>
</figure>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>spikesplit report: preset ${escapeHtml(input.preset)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
td, th { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
td.num { text-align: right; }
tr.total td { font-weight: bold; }
figure { margin: 2em 0; }
img { max-width: 100%; border: 1px solid #eee; }
.warning { background: #fff3cd; border: 1px solid #e0c36a; padding: 0.6em 1em; }
.stale { color: #a33; }
</style>
</head>
<body>
<h1>spikesplit report: preset ${escapeHtml(input.preset)}</h1>
${warning}
<table><caption>Run</caption>
${facts.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n')}
</table>
${timeTable('This run, step by step (finished work found on disk is skipped)', input.steps)}
${timeTable('Compute recorded with the results', input.recorded)}
<h2>Figures (${input.figures.length})</h2>
<p>Each image links to its SVG.</p>
${figures.join('\n') || '<p>No figures were exported.</p>'}
</body>
</html>
`;
}
