/** Figures into files (`<name>.svg`, `<name>.png`) and into a notebook (interactive where it may, else the PNG). */
import * as path from 'path';
import { writeFileAtomic } from '../util/atomic';
import type { BundleDisplay } from './display';
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
 * Exports `fig` to SVG and PNG files and shows it in a notebook as one output of two forms: the interactive
 * chart (`text/html`, which Jupyter shows only where the notebook is trusted and its scripts run) and the PNG
 * (`image/png`, which every viewer shows: untrusted notebooks, GitHub, a fresh checkout). A viewer shows one.
 */
export async function showFigure(fig: Figure, display: BundleDisplay, options: ExportOptions): Promise<ExportedFigure> {
  const exported = await exportFigure(fig, options);
  display.bundle({ 'text/html': plotlyHtml(fig), 'image/png': Buffer.from(exported.png).toString('base64') });
  return exported;
}
