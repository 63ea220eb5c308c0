/** The plotly.js bundle from `node_modules/plotly.js-dist`, for inlining into pages (never a CDN). */
import * as fs from 'fs';

/** Absolute path of the bundle (its package's `main`). */
export const PLOTLY_PATH = require.resolve('plotly.js-dist');

let source: string | null = null;

/** The bundle's text, safe to place inside a `<script>` element; read once. */
export function plotlyScript(): string {
  // `</script` would end the element early; `<\/script` means the same inside JavaScript strings and regexes.
  source ??= fs.readFileSync(PLOTLY_PATH, 'utf8').replace(/<\/script/gi, '<\\/script');
  return source;
}
