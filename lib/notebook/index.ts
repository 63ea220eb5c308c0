// The notebook room's public names: the one setup call every notebook makes.
export { notebookSetup } from './setup';
export type { Notebook, NotebookKernel, NotebookSetupOptions } from './setup';
