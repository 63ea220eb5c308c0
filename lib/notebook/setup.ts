/**
 * What every notebook does first, in one call: read the preset from `SPIKESPLIT_PRESET` (`cpu` unless set) and
 * the other settings of the environment (`applyEnvironment`: where runs and results live, the CIFAR-10 archive),
 * start the compute backend, state the preset's caveat, and hand back the helpers its cells use:
 *
 *   import * as tslab from 'tslab';
 *   import { notebook } from 'spikesplit';
 *   const nb = await notebook.notebookSetup(tslab);
 *   nb.table(rows, { caption: 'Every configuration', ...label });
 *   await nb.show(fig, '03-split-sweep-bytes');   // inline, and figures/<preset>/03-split-sweep-bytes.svg, .png
 *
 * Notebooks (and the CLI) are the only places that read the environment; this module is the notebooks' side.
 * `lib/` never imports tslab's public module, so a notebook passes its `tslab` in (its displays).
 */
import { initBackend, type BackendName } from '../backend/backend';
import { applyEnvironment } from '../experiments/environment';
import { getPreset, type Preset } from '../experiments/preset';
import { notebookProgress, type ProgressSink, type UpdatableDisplay } from '../util/progress';
import { presetCaveat } from '../viz/caveat';
import { kernelDisplay, type NotebookDisplay } from '../viz/display';
import type { Figure } from '../viz/figure';
import type { RunLabel } from '../viz/label';
import { showFigure } from '../viz/show';
import { showTable, type TableData, type TableOptions } from '../viz/table';

/** What notebookSetup needs of tslab's public module (`import * as tslab from 'tslab'`). */
export interface NotebookKernel {
  display: NotebookDisplay;
  newDisplay(): UpdatableDisplay;
}

export interface NotebookSetupOptions {
  /** State the preset's caveat (what its numbers can say) as the setup cell's output; default true. */
  caveat?: boolean;
  /** Where the backend reports what it chose; default console.log (a cell's output). */
  log?: (line: string) => void;
}

export interface Notebook {
  /** The preset named by SPIKESPLIT_PRESET, `cpu` unless set. */
  preset: Preset;
  /** The backend this kernel computes on. */
  backend: BackendName;
  /**
   * This kernel's run label, for what the notebook computes itself. Numbers read from the results store carry
   * their own (`viz.runLabel(backbone)`). Spread it into options (`{ caption, ...nb.label }`): tslab loses earlier
   * cells' variables in shorthand properties such as `{ preset }`.
   */
  label: RunLabel;
  /** The caveat stated beside this preset's numbers, or null (the paper's setting). */
  caveat: string | null;
  /** A table in the cell's output, titled by its caption and run label. */
  table(data: TableData, options: TableOptions): void;
  /** Where `show` writes the figures' files: `../figures/<preset>` (from `notebooks/`). */
  figuresDir: string;
  /** A figure in the cell's output and in `<figuresDir>/<name>.svg` and `.png` (resolves to nothing, so a cell ending in it prints nothing more). */
  show(fig: Figure, name: string): Promise<void>;
  /** A progress sink for training from a cell: one line per loop, rewritten in place. */
  progress(): ProgressSink;
}

/** The setup cell of a notebook in `notebooks/` (figures go to `../figures/<preset>/`). */
export async function notebookSetup(kernel: NotebookKernel, options: NotebookSetupOptions = {}): Promise<Notebook> {
  applyEnvironment(process.env);
  const preset = getPreset(process.env.SPIKESPLIT_PRESET, 'cpu');
  const backend = await initBackend(undefined, options.log ?? console.log);
  const caveat = presetCaveat(preset);
  if (caveat !== null && options.caveat !== false) kernel.display.html(`<p><b>${caveat}</b></p>`);
  const figuresDir = `../figures/${preset.name}`;
  return {
    preset,
    backend,
    label: { preset: preset.name, backend },
    caveat,
    table: (data, tableOptions) => showTable(data, kernel.display, tableOptions),
    figuresDir,
    show: async (fig, name) => {
      await showFigure(fig, kernelDisplay(), { name, figuresDir });
    },
    progress: () => notebookProgress(kernel.newDisplay),
  };
}
