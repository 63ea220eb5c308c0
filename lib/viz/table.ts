/**
 * Tables for notebooks: rows or an arquero table as HTML with a caption naming the preset and backend.
 * arquero 7 is an ES module; this CommonJS build loads it with `require`, which Node 20.19+ supports for ES
 * modules without top-level await (tslab's compiled cells load it the same way).
 */
import * as aq from 'arquero';
import type { NotebookDisplay } from './display';
import { labelled, type RunLabel } from './label';

export type TableData = readonly Record<string, unknown>[] | aq.ColumnTable;

export interface TableOptions extends RunLabel {
  /** What the table shows; the preset and backend are appended. */
  caption: string;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** arquero's `toHTML()` of the data, with a `<caption>`. */
export function tableHtml(data: TableData, options: TableOptions): string {
  const table = data instanceof aq.ColumnTable ? data : aq.from(data);
  const html = table.toHTML();
  const caption = `<caption style="caption-side: top; text-align: left; font-weight: bold;">${escapeHtml(labelled(options.caption, options))}</caption>`;
  const open = /^<table[^>]*>/.exec(html);
  if (!open)
    throw new Error(`arquero's toHTML() returned '${html.slice(0, 40)}'; expected it to start with a <table> tag`);
  return open[0] + caption + html.slice(open[0].length);
}

export function showTable(data: TableData, display: NotebookDisplay, options: TableOptions): void {
  display.html(tableHtml(data, options));
}
