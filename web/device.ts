/**
 * The web device page (web/index.html, served by `spikesplit serve --web`): the device half of co-inference in
 * a browser. It builds the same split model as the server from the spec at /api/model, loads the server's
 * weights, and for a picked CIFAR test image (or a dropped one, resized to 32x32) runs the head and the
 * bottleneck encoder on tfjs (wasm), frames the spikes with the codec and sends them with the testbed's
 * protocol and hello (lib/coinfer/device.ts, the Node device's own code), then shows the prediction, the bytes,
 * the latency split and the spike maps. `window.spikesplitDevice` exposes the results to tests.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../lib/backend/wasm-kernels';
import { useEngineKernels } from '../lib/engine/engine';
import { createDevice, type DeviceClient, type InferenceResult } from '../lib/coinfer/device';
import { buildTestbedModel } from '../lib/coinfer/testbed-model';
import type { WebModelInfo } from '../lib/coinfer/web-page';
import { imageBatch } from '../lib/data/batch';
import { ImageDataset } from '../lib/data/dataset';
import { CIFAR10_NORMALIZATION } from '../lib/data/normalization';
import { assignWeights } from '../lib/models/weights';

interface ImagesInfo {
  count: number;
  height: number;
  width: number;
  channels: number;
  classes: string[];
  labels: number[];
  source: string;
}

/** One classified image, as the page shows it and the tests read it. */
export interface PageResult {
  /** Index into /api/images, or null for a dropped image. */
  image: number | null;
  prediction: number;
  label: string;
  /** The server's logits for the image. */
  logits: number[];
  /** The image's class, when it is a test image. */
  truth: string | null;
  confidence: number;
  /** Bytes of the request messages, and of the raw uint8 image. */
  bytesSent: number;
  rawBytes: number;
  messages: number;
  steps: number;
  timing: InferenceResult['timing'];
}

declare global {
  interface Window {
    spikesplitDevice: {
      ready: Promise<void>;
      backend?: string;
      results: PageResult[];
      classify(image: number): Promise<PageResult>;
    };
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
// the token is in the page's fragment (`/#token=...`), which the browser never sends
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
const api = async (route: string) => {
  const response = await fetch(route, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
  return response;
};

async function startBackend(): Promise<string> {
  useEngineKernels(false); // the spike engine's threads and wasm file are Node's: tfjs's own ops here
  setWasmPaths(new URL('wasm/', location.href).href);
  try {
    if (await tf.setBackend('wasm')) {
      registerWasmKernels(); // the kernels the Node device runs with, so both compute alike
      return 'wasm';
    }
  } catch {
    // no WebAssembly here: the plain JavaScript backend
  }
  await tf.setBackend('cpu');
  return 'cpu';
}

function drawImage(canvas: HTMLCanvasElement, pixels: Uint8Array, width: number, height: number): void {
  const ctx = canvas.getContext('2d')!;
  const data = ctx.createImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    data.data.set(pixels.subarray(3 * p, 3 * p + 3), 4 * p);
    data.data[4 * p + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
}

/** RGB uint8 pixels of an image file drawn into a 32x32 canvas. */
async function pixelsOfFile(file: File, canvas: HTMLCanvasElement): Promise<Uint8Array> {
  const bitmap = await createImageBitmap(file);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  return Uint8Array.from({ length: canvas.width * canvas.height * 3 }, (_, k) => rgba[4 * Math.floor(k / 3) + (k % 3)]);
}

function softmaxMax(logits: number[]): number {
  const top = Math.max(...logits);
  const sum = logits.reduce((s, v) => s + Math.exp(v - top), 0);
  return 1 / sum;
}

/** Firing rate per position of each channel over the sent steps: one small grey map per channel. */
function drawSpikeMaps(sent: NonNullable<InferenceResult['sent']>): void {
  const [rows, h, w, c] = sent.shape; // [S*1, h', w', c'] for one image
  const maps = $('maps');
  maps.replaceChildren();
  for (let ch = 0; ch < c; ch++) {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d')!;
    const img = ctx.createImageData(w, h);
    let spikes = 0;
    for (let p = 0; p < h * w; p++) {
      let rate = 0;
      for (let s = 0; s < rows; s++) rate += sent.values[(s * h * w + p) * c + ch];
      spikes += rate;
      const v = 255 - Math.round((255 * rate) / rows);
      img.data.set([v, v, v, 255], 4 * p);
    }
    ctx.putImageData(img, 0, 0);
    const figure = document.createElement('figure');
    const caption = document.createElement('figcaption');
    caption.textContent = `ch ${ch}: ${spikes}`;
    figure.append(canvas, caption);
    maps.append(figure);
  }
}

function showResult(result: PageResult, info: WebModelInfo, exitUsed: boolean): void {
  const t = result.timing;
  const serverMs = t.serverQueueMs + t.serverDecodeMs + t.serverComputeMs;
  const parts: [string, number, string][] = [
    ['device compute', t.deviceComputeMs, '#1f77b4'],
    ['encode', t.encodeMs, '#9467bd'],
    ['transfer', t.transferMs, '#ff7f0e'],
    ['server', serverMs, '#2ca02c'],
  ];
  const total = parts.reduce((s, [, ms]) => s + ms, 0) || 1;
  const rows: [string, string | HTMLElement][] = [
    [
      'server prediction',
      `${result.label} (class ${result.prediction})${result.truth === null ? ', a dropped image' : `; the image is a ${result.truth}`}`,
    ],
    ['confidence (max softmax)', `${(100 * result.confidence).toFixed(1)}%`],
    [
      'bytes sent',
      `${result.bytesSent} B in ${result.messages} message(s), against ${result.rawBytes} B for the raw image (${(result.rawBytes / result.bytesSent).toFixed(1)}x less)`,
    ],
    [
      'latency',
      parts.map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`).join(' · ') +
        ` (end to end ${t.endToEndMs.toFixed(1)} ms)`,
    ],
  ];
  const bar = document.createElement('div');
  bar.className = 'bar';
  for (const [name, ms, colour] of parts) {
    const span = document.createElement('span');
    span.style.width = `${(100 * ms) / total}%`;
    span.style.background = colour;
    span.title = `${name} ${ms.toFixed(1)} ms`;
    bar.append(span);
  }
  rows.push(['', bar]);
  if (exitUsed)
    rows.push([
      'steps used (early exit)',
      `${result.steps} of ${info.T} model steps, ${result.messages} of ${info.sentSteps} sent steps`,
    ]);
  else rows.push(['time steps', `${info.sentSteps} sent of ${info.T}`]);
  $('result').replaceChildren(
    ...rows.flatMap(([name, value]) => {
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd = document.createElement('dd');
      dd.append(value);
      return [dt, dd];
    }),
  );
}

async function main(): Promise<void> {
  const status = $('status');
  const backend = await startBackend();
  window.spikesplitDevice.backend = backend;
  status.textContent = `tfjs backend: ${backend}; loading the model…`;
  const info = (await (await api('/api/model')).json()) as WebModelInfo;
  const weights = new Uint8Array(await (await api('/api/weights')).arrayBuffer());
  if (weights.length !== info.manifest.bytes)
    throw new Error(`/api/weights sent ${weights.length} bytes; its manifest says ${info.manifest.bytes}`);
  const built = buildTestbedModel(info.spec);
  assignWeights(built.compressed ?? built.model, info.manifest, weights, '/api/weights');
  const images = (await (await api('/api/images')).json()) as ImagesInfo;
  const pixels = new Uint8Array(await (await api('/api/pixels')).arrayBuffer());
  const data = new ImageDataset({
    images: pixels,
    labels: Uint8Array.from(images.labels),
    classes: images.classes,
    height: images.height,
    width: images.width,
    channels: images.channels,
    source: images.source,
  });
  const device: DeviceClient = await createDevice({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`,
    token,
    head: built.head,
  });
  const earlyExit = info.sentSteps < info.T;
  $('exit-rule').hidden = !earlyExit;
  $('model').textContent =
    `${info.name} (width ${info.spec.width}, T ${info.T}, split at ${info.spec.splitPoint}, sends [${info.sentShape.join(', ')}] x ${info.sentSteps} steps); ${info.source}`;
  status.textContent = `ready: tfjs backend ${backend}; connected to ${location.host}`;

  let busy = Promise.resolve();
  /** Classifies images one at a time, in the order asked. */
  const classifyPixels = (imagePixels: Uint8Array, image: number | null): Promise<PageResult> => {
    const run = busy.then(async () => {
      const one = new ImageDataset({
        images: imagePixels,
        labels: new Uint8Array(1),
        classes: ['unlabelled'],
        height: data.height,
        width: data.width,
        channels: data.channels,
        source: 'the picked image',
      });
      const { images: x, labels } = imageBatch(one, [0], { normalization: CIFAR10_NORMALIZATION });
      labels.dispose();
      let inferred: InferenceResult;
      try {
        const threshold = Number(($('threshold') as HTMLInputElement).value);
        inferred = earlyExit
          ? await device.inferEarlyExit(x, { threshold, confidence: 'max-softmax' })
          : await device.infer(x);
      } finally {
        x.dispose();
      }
      const prediction = inferred.predictions[0];
      const result: PageResult = {
        image,
        prediction,
        label: data.classes[prediction] ?? `class ${prediction}`,
        logits: inferred.logits[0],
        truth: image === null ? null : data.classes[data.labels[image]],
        confidence: inferred.exit ? inferred.exit.confidence[0] : softmaxMax(inferred.logits[0]),
        bytesSent: inferred.bytesSent,
        rawBytes: imagePixels.length,
        messages: inferred.messages,
        steps: inferred.steps,
        timing: inferred.timing,
      };
      showResult(result, info, earlyExit);
      drawSpikeMaps(inferred.sent!);
      window.spikesplitDevice.results.push(result);
      return result;
    });
    busy = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
  const imageSize = data.height * data.width * data.channels;
  window.spikesplitDevice.classify = (image) =>
    classifyPixels(data.images.slice(image * imageSize, (image + 1) * imageSize), image);

  const gallery = $('gallery');
  for (let i = 0; i < data.count; i++) {
    const canvas = document.createElement('canvas');
    canvas.width = data.width;
    canvas.height = data.height;
    canvas.title = `test image ${i}: ${data.classes[data.labels[i]]}`;
    canvas.dataset.image = String(i);
    drawImage(canvas, data.images.subarray(i * imageSize, (i + 1) * imageSize), data.width, data.height);
    canvas.addEventListener('click', () => {
      gallery.querySelectorAll('canvas').forEach((c) => c.classList.toggle('chosen', c === canvas));
      window.spikesplitDevice.classify(i).catch(showError);
    });
    gallery.append(canvas);
  }
  const dropped = $('dropped') as HTMLCanvasElement;
  const useFile = async (file: File | undefined) => {
    if (!file) return;
    dropped.hidden = false;
    await classifyPixels(await pixelsOfFile(file, dropped), null);
  };
  const drop = $('drop');
  drop.addEventListener('dragover', (event) => event.preventDefault());
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    useFile(event.dataTransfer?.files[0]).catch(showError);
  });
  $('file').addEventListener('change', (event) =>
    useFile((event.target as HTMLInputElement).files?.[0]).catch(showError),
  );
}

function showError(err: unknown): void {
  const status = $('status');
  status.textContent = `error: ${err instanceof Error ? err.message : String(err)}`;
  status.style.color = '#d62728';
}

window.spikesplitDevice = {
  results: [],
  ready: Promise.resolve(),
  classify: () => Promise.reject(new Error('the page is still loading')),
};
window.spikesplitDevice.ready = main().catch((err) => {
  showError(err);
  throw err;
});
