/**
 * Builds the web device page's bundle: web/device.ts and the lib/ modules it imports, bundled by esbuild into
 * dist/web/device.js (run by `npm run build` and at install). Node's built-in modules that lib/ imports for its
 * file functions map to an empty stub, and 'ws' to the browser's WebSocket: a Node-only module the page comes
 * to need is one more line in ALIASES.
 */
import * as path from 'path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '..', '..');
const NODE_STUB = path.join(ROOT, 'web', 'stubs', 'node-builtin.cjs');
const ALIASES: Record<string, string> = {
  ws: path.join(ROOT, 'web', 'stubs', 'ws.ts'),
  ...Object.fromEntries(
    ['fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'zlib', 'util'].map((name) => [name, NODE_STUB]),
  ),
};

async function main(): Promise<void> {
  const outfile = path.join(ROOT, 'dist', 'web', 'device.js');
  const result = await build({
    entryPoints: [path.join(ROOT, 'web', 'device.ts')],
    outfile,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    alias: ALIASES,
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
    metafile: true,
  });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => f.startsWith('lib/')).length;
  const bytes = result.metafile.outputs[path.relative(process.cwd(), outfile)]?.bytes;
  console.log(
    `build-web: ${path.relative(ROOT, outfile)} from ${inputs} lib/ modules${bytes === undefined ? '' : `, ${(bytes / 1e6).toFixed(1)} MB`}`,
  );
}

main().catch((err) => {
  console.error(`build-web: ${err instanceof Error ? err.message : err}`);
  process.exitCode = 1;
});
