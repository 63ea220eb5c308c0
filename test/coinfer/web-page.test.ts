/**
 * The web device page in Debian's Chromium: `spikesplit serve --web` as a child process, the page classifying
 * test images picked in its gallery, against the Node device (lib/coinfer/device.ts in this process) on the
 * same images (the page's own pixels, from /api/pixels) and the same weights (the same spec, fresh from its seed).
 * With SPIKESPLIT_README_SCREENSHOT=1 the page's screenshot is written to figures/web/device-page.png.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Browser, Page } from 'playwright-core';
import {
  buildTestbedModel,
  CHROMIUM_PATH,
  CIFAR10_NORMALIZATION,
  createDevice,
  encodeFrame,
  encodeRequest,
  ImageDataset,
  imageBatch,
  initBackend,
  launchChromium,
  projectRoot,
  sentFrameMeta,
  startServeProcess,
  writeFileAtomic,
  type InferenceResult,
  type TestbedModelSpec,
} from 'spikesplit';
import { ink } from '../viz/ink';
import { TOKEN } from './fixture';

const skip = fs.existsSync(CHROMIUM_PATH)
  ? false
  : `Chromium is missing at ${CHROMIUM_PATH}: run bash scripts/system-deps.sh as root`;

interface PageResult {
  image: number | null;
  prediction: number;
  logits: number[];
  bytesSent: number;
  rawBytes: number;
  messages: number;
  steps: number;
}

let browser: Browser | undefined;
after(async () => browser?.close());

/** The serve options of a spec (every field given, none left to the command's defaults). */
function specArgs(spec: TestbedModelSpec): string[] {
  const args = [
    '--model',
    spec.model,
    '--width',
    String(spec.width),
    '--T',
    String(spec.T),
    '--classes',
    String(spec.classes),
    '--split',
    spec.splitPoint,
    '--channels',
    String(spec.channels),
    '--seed',
    String(spec.seed),
  ];
  return spec.sentSteps === undefined ? args : [...args, '--sent-steps', String(spec.sentSteps)];
}

/** Starts `serve --web` for `spec`, opens the page and waits until it is ready; `run` gets the page and the page's images. */
async function withPage(
  spec: TestbedModelSpec,
  run: (page: Page, pageUrl: string, images: ImageDataset) => Promise<void>,
): Promise<void> {
  const serve = await startServeProcess([...specArgs(spec), '--web'], { token: TOKEN, forS: 120 });
  try {
    // ready once it printed its WebSocket URL; the page's line follows
    const pagePattern = /web device page: (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)\n/;
    for (let waited = 0; !pagePattern.test(serve.output()) && waited < 100; waited++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const pageUrl = pagePattern.exec(serve.output())?.[1];
    assert.ok(pageUrl, `serve --web printed the page's URL:\n${serve.output()}`);
    const base = new URL(pageUrl);
    assert.equal(base.hash, `#token=${TOKEN}`);
    const withToken = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });
    assert.equal((await fetch(new URL('/api/weights', base))).status, 403, 'the weights need the token');
    assert.equal(
      (await fetch(new URL('/api/weights', base), withToken(`${TOKEN}x`))).status,
      403,
      'the weights need the right token',
    );
    assert.equal(
      (await fetch(new URL(`/api/weights?token=${TOKEN}`, base))).status,
      403,
      'a token in the query string is not taken',
    );
    const info = (await (await fetch(new URL('/api/images', base), withToken(TOKEN))).json()) as {
      height: number;
      width: number;
      channels: number;
      classes: string[];
      labels: number[];
    };
    const pixels = new Uint8Array(await (await fetch(new URL('/api/pixels', base), withToken(TOKEN))).arrayBuffer());
    const images = new ImageDataset({
      images: pixels,
      labels: Uint8Array.from(info.labels),
      classes: info.classes,
      height: info.height,
      width: info.width,
      channels: info.channels,
      source: 'the page',
    });
    browser ??= await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    try {
      await page.goto(pageUrl);
      await page.evaluate('window.spikesplitDevice.ready');
      assert.match((await page.textContent('#status')) ?? '', /^ready: tfjs backend wasm/);
      await run(page, pageUrl, images);
      assert.deepEqual(problems, [], 'no script error on the page');
    } finally {
      await page.close();
    }
  } finally {
    await serve.stop();
  }
}

/** Clicks the gallery's test images one after another; returns the page's results for them. */
async function clickImages(page: Page, indices: number[]): Promise<PageResult[]> {
  const before = (await page.evaluate('window.spikesplitDevice.results.length')) as number;
  for (const [k, i] of indices.entries()) {
    await page.click(`#gallery canvas[data-image="${i}"]`);
    await page.waitForFunction(`window.spikesplitDevice.results.length === ${before + k + 1}`);
  }
  return ((await page.evaluate('window.spikesplitDevice.results')) as PageResult[]).slice(before);
}

/** The Node device on the same images, same server: one request per image, in order. */
async function nodeDevice(
  pageUrl: string,
  spec: TestbedModelSpec,
  images: ImageDataset,
  indices: number[],
  infer: (device: Awaited<ReturnType<typeof createDevice>>, x: tf.Tensor) => Promise<InferenceResult>,
) {
  await initBackend('wasm', () => undefined); // the page's backend
  const built = buildTestbedModel(spec);
  const device = await createDevice({
    url: pageUrl.replace(/^http:/, 'ws:').replace(/\/#.*$/, ''),
    token: TOKEN,
    head: built.head,
  });
  try {
    const results: InferenceResult[] = [];
    for (const i of indices) {
      const { images: x, labels } = imageBatch(images, [i], { normalization: CIFAR10_NORMALIZATION });
      labels.dispose();
      try {
        results.push(await infer(device, x));
      } finally {
        x.dispose();
      }
    }
    return { results, head: built.head };
  } finally {
    await device.close();
    built.dispose();
  }
}

const SPLIT: TestbedModelSpec = {
  model: 'resnet18',
  width: 1 / 16,
  T: 2,
  classes: 10,
  splitPoint: 'RB2',
  channels: 2,
  seed: 0,
};

test(
  'the page classifies test images as the Node device does, sending the frames the codec makes',
  { skip },
  async () => {
    const picked = [0, 9, 17];
    await withPage(SPLIT, async (page, pageUrl, images) => {
      const shown = await clickImages(page, picked);
      const node = await nodeDevice(pageUrl, SPLIT, images, picked, (device, x) => device.infer(x));
      assert.deepEqual(
        shown.map((r) => r.image),
        picked,
      );
      assert.deepEqual(
        shown.map((r) => r.prediction),
        node.results.map((r) => r.predictions[0]),
        'the same predictions',
      );
      assert.deepEqual(
        shown.map((r) => r.logits),
        node.results.map((r) => r.logits[0]),
        'the same logits: the server got the same spikes',
      );
      // The codec's frame of the head's spikes, in the protocol's request (the page's k-th request has id k).
      const frameBytes = node.results.map(
        (r, k) =>
          encodeRequest(
            { id: k, mode: 'split' },
            encodeFrame(Float32Array.from(r.sent!.values), sentFrameMeta(node.head, 1, SPLIT.T, 'packed')),
          ).length,
      );
      assert.deepEqual(
        shown.map((r) => r.bytesSent),
        frameBytes,
      );
      assert.ok(shown.every((r) => r.rawBytes === 32 * 32 * 3 && r.messages === 1 && r.steps === SPLIT.T));
      // What a person sees: the prediction, the bytes, one spike map per bottleneck channel.
      const text = (await page.textContent('#result')) ?? '';
      assert.match(text, new RegExp(`${shown[2].bytesSent} B in 1 message\\(s\\), against 3072 B for the raw image`));
      assert.match(text, /device compute [\d.]+ ms · encode [\d.]+ ms · transfer [\d.]+ ms · server [\d.]+ ms/);
      assert.equal(await page.locator('#maps canvas').count(), SPLIT.channels);
      const png = await page.screenshot({ fullPage: true });
      const shot = ink(png);
      assert.ok(
        shot.inkedFraction > 0.05 && shot.colours > 64,
        `the page's screenshot looks blank: ${JSON.stringify(shot)}`,
      );
      if (process.env.SPIKESPLIT_README_SCREENSHOT === '1')
        writeFileAtomic(path.join(projectRoot(), 'figures', 'web', 'device-page.png'), png);
    });
  },
);

test(
  'with temporal compression the page exits early as the Node device does, and shows the steps used',
  { skip },
  async () => {
    const spec: TestbedModelSpec = { ...SPLIT, T: 4, sentSteps: 2 };
    const picked = [3, 12];
    await withPage(spec, async (page, pageUrl, images) => {
      await page.fill('#threshold', '0'); // any confidence exceeds 0: every image exits after its first sent step
      const early = await clickImages(page, picked);
      await page.fill('#threshold', '1'); // none exceeds 1: every sent step goes
      const late = await clickImages(page, picked);
      const nodeEarly = await nodeDevice(pageUrl, spec, images, picked, (device, x) =>
        device.inferEarlyExit(x, { threshold: 0, confidence: 'max-softmax' }),
      );
      const nodeLate = await nodeDevice(pageUrl, spec, images, picked, (device, x) =>
        device.inferEarlyExit(x, { threshold: 1, confidence: 'max-softmax' }),
      );
      for (const [shown, node, messages] of [
        [early, nodeEarly, 1],
        [late, nodeLate, 2],
      ] as const) {
        assert.deepEqual(
          shown.map((r) => [r.prediction, r.steps, r.messages, r.bytesSent]),
          node.results.map((r) => [r.predictions[0], r.steps, r.messages, r.bytesSent]),
        );
        assert.deepEqual(
          shown.map((r) => r.messages),
          picked.map(() => messages),
        );
        assert.deepEqual(
          shown.map((r) => r.steps),
          picked.map(() => messages * 2),
          'two model steps per sent step',
        );
      }
      assert.match(
        (await page.textContent('#result')) ?? '',
        /steps used \(early exit\)4 of 4 model steps, 2 of 2 sent steps/,
      );
    });
  },
);
