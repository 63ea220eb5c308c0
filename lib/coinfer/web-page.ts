/**
 * The web device page that `spikesplit serve --web` answers on its port (HTTP, or HTTPS with TLS, beside the
 * WebSocket; server.ts admits its connections like any other):
 *
 *   GET /                      web/index.html: the page, opened as `/#token=...` (a fragment: the browser keeps it)
 *   GET /device.js             the page's bundle, built by esbuild from lib/ (scripts/build-web.ts -> dist/web/)
 *   GET /wasm/<name>.wasm      tfjs's wasm binaries, from node_modules (never a CDN)
 *   GET /api/model             the model the device half builds: its spec, its name and the weights manifest
 *   GET /api/weights           the weights' binary (every variable of the split model, as the server holds it)
 *   GET /api/images            test images to pick from: { height, width, channels, classes, labels } ...
 *   GET /api/pixels            ... and their uint8 pixels [N, H, W, C]
 *
 * Everything under /api/ needs the server's token in the header `authorization: Bearer <token>` (which TLS
 * protects off loopback); the page's WebSocket authenticates with the protocol's hello like any device.
 */
import * as fs from 'fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'http';
import * as path from 'path';
import { ImageDataset } from '../data/dataset';
import { serializeWeights } from '../models/weights';
import { projectRoot } from '../util/project-root';
import { sameToken } from './handshake';
import { TestbedModel, TestbedModelSpec } from './testbed-model';

export interface WebPageOptions {
  readonly token: string;
  /** The spec both halves are built from (its weightsDir is not sent). */
  readonly spec: TestbedModelSpec;
  /** What the server runs; its current weights are what the page loads. */
  readonly built: TestbedModel;
  /** The images the page offers. */
  readonly images: ImageDataset;
}

/** What /api/model answers: enough for the page to build the same model and frame what it sends. */
export interface WebModelInfo {
  spec: Omit<TestbedModelSpec, 'weightsDir'>;
  name: string;
  source: string;
  T: number;
  sentSteps: number;
  sentShape: number[];
  manifest: ReturnType<typeof serializeWeights>['manifest'];
}

/** The bundle's path; `webBundleError` says what to run when it is missing. */
export const WEB_BUNDLE = path.join(projectRoot(), 'dist', 'web', 'device.js');
const PAGE = path.join(projectRoot(), 'web', 'index.html');
const WASM_DIR = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

export function webBundleError(): string | null {
  return fs.existsSync(WEB_BUNDLE)
    ? null
    : `the web device page's bundle ${WEB_BUNDLE} is missing; build it with 'npm run build'`;
}

export function webPageHandler({ token, spec, built, images }: WebPageOptions): RequestListener {
  const missing = webBundleError();
  if (missing) throw new Error(missing);
  const { manifest, bytes } = serializeWeights(built.compressed ?? built.model, 'weights');
  const { weightsDir: _unsent, ...sentSpec } = spec;
  const info: WebModelInfo = {
    spec: sentSpec,
    name: built.name,
    source: built.source,
    T: built.head.T,
    sentSteps: built.head.sentSteps,
    sentShape: [...built.head.sentShape],
    manifest,
  };
  const imageInfo = {
    count: images.count,
    height: images.height,
    width: images.width,
    channels: images.channels,
    classes: images.classes,
    labels: Array.from(images.labels),
    source: images.source,
  };
  const files: Record<string, { file: string; type: string }> = {
    '/': { file: PAGE, type: 'text/html; charset=utf-8' },
    '/device.js': { file: WEB_BUNDLE, type: 'text/javascript; charset=utf-8' },
    ...Object.fromEntries(
      WASM_FILES.map((name) => [`/wasm/${name}`, { file: path.join(WASM_DIR, name), type: 'application/wasm' }]),
    ),
  };
  const api: Record<string, () => { body: string | Uint8Array; type: string }> = {
    '/api/model': () => ({ body: JSON.stringify(info), type: 'application/json' }),
    '/api/weights': () => ({ body: bytes, type: 'application/octet-stream' }),
    '/api/images': () => ({ body: JSON.stringify(imageInfo), type: 'application/json' }),
    '/api/pixels': () => ({ body: images.images, type: 'application/octet-stream' }),
  };
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://page');
    const answer = (status: number, body: string | Uint8Array, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    };
    if (req.method !== 'GET') return answer(405, `${req.method} ${url.pathname}: this page answers GET only`);
    if (url.pathname === '/favicon.ico') return answer(204, '');
    const file = files[url.pathname];
    if (file) return answer(200, fs.readFileSync(file.file), file.type);
    const route = api[url.pathname];
    if (!route) return answer(404, `${url.pathname}: no such page; open /#token=<the server token>`);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer === undefined)
      return answer(403, `${url.pathname}: needs the server's token, as the header 'authorization: Bearer <token>'`);
    if (!sameToken(bearer, token)) return answer(403, `${url.pathname}: the token does not match the server's`);
    const { body, type } = route();
    answer(200, body, type);
  };
}
