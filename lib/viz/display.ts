/**
 * What the viz functions need of a notebook's display. tslab's `display` has the `NotebookDisplay` shape; `lib/`
 * never imports tslab's public module (its functions throw outside a running kernel), so a notebook passes its
 * own in. Figures need one output in two forms (a MIME bundle), which tslab's public `display` cannot send (one
 * MIME type per output); `kernelDisplay()` sends them through the kernel's own display writer.
 */
export interface NotebookDisplay {
  html(html: string): void;
  png(png: Uint8Array): void;
}

/** One output in several forms, MIME type to content (text, or base64 for images). */
export type MimeBundle = Record<string, string>;

/**
 * A display that sends a MIME bundle as one output: the viewer shows the richest form it may (Jupyter shows
 * `text/html` only in a trusted notebook, else a safe form such as `image/png`).
 */
export interface BundleDisplay extends NotebookDisplay {
  bundle(data: MimeBundle): void;
}

type WriteDisplayData = (
  message: { data: MimeBundle; metadata: Record<string, never>; transient: Record<string, never> },
  update: boolean,
) => void;

/**
 * The display of the running tslab kernel (tslab 1.0.22), MIME bundles included. The kernel's writer is read at
 * each call, since tslab sets it anew for every cell it executes; outside a kernel each call throws.
 */
export function kernelDisplay(): BundleDisplay {
  const write = (data: MimeBundle) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const writer = (require('tslab/dist/jupyter') as { lastWriteDisplayData: WriteDisplayData | null })
      .lastWriteDisplayData;
    if (!writer) throw new Error('kernelDisplay() shows outputs only inside a running tslab kernel (a notebook cell)');
    writer({ data, metadata: {}, transient: {} }, false);
  };
  return {
    bundle: write,
    html: (html) => write({ 'text/html': html }),
    png: (png) => write({ 'image/png': Buffer.from(png).toString('base64') }),
  };
}
