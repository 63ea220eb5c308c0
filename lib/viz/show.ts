/** Figures into files (`<name>.svg`, `<name>.png`) and into a notebook (interactive, plus the PNG). */
import * as path from 'path';
import { writeFileAtomic } from '../util/atomic';
import type { NotebookDisplay } from './display';
import { plotlyHtml, type Figure } from './figure';
import { renderFigure, type RenderedFigure } from './render';

export interface ExportOptions {
  /** File name without extension: letters, digits, '.', '-', '_'. */
  name: string;
  /** Folder for the files, created if missing (a notebook in notebooks/ passes '../figures'). */
  figuresDir: string;
}

export interface ExportedFigure extends RenderedFigure {
  svgPath: string;
  pngPath: string;
}

/** Renders `fig` and writes `<figuresDir>/<name>.svg` and `.png`. */
export async function exportFigure(fig: Figure, { name, figuresDir }: ExportOptions): Promise<ExportedFigure> {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name)) {
    throw new Error(`a figure name must be letters, digits, '.', '-' or '_' (no folders, no extension); got '${name}'`);
  }
  const rendered = await renderFigure(fig);
  const svgPath = path.join(figuresDir, `${name}.svg`);
  const pngPath = path.join(figuresDir, `${name}.png`);
  writeFileAtomic(svgPath, rendered.svg);
  writeFileAtomic(pngPath, rendered.png);
  return { ...rendered, svgPath, pngPath };
}

/**
 * Shows `fig` in a notebook: the interactive chart (runs only where the notebook is trusted), then, once
 * exported to SVG and PNG files, the PNG (shown everywhere, including headless runs and untrusted viewers).
 */
export async function showFigure(fig: Figure, display: NotebookDisplay, options: ExportOptions): Promise<ExportedFigure> {
  display.html(plotlyHtml(fig));
  const exported = await exportFigure(fig, options);
  display.png(exported.png);
  return exported;
}
