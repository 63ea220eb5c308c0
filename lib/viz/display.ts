/**
 * What the viz functions need of a notebook's display. tslab's `display` has this shape; `lib/` never imports
 * tslab (its functions throw outside a running kernel), so a notebook passes its own in.
 */
export interface NotebookDisplay {
  html(html: string): void;
  png(png: Uint8Array): void;
}
