/** A small split model shared by the co-inference tests: spiking ResNet-18 at width 1/16, T = 2, bottleneck at RB2. */
import * as tf from '@tensorflow/tfjs-core';
import { WebSocket, type ClientOptions } from 'ws';
import {
  helloMessage,
  readChallenge,
  readWelcome,
  CIFAR10_NORMALIZATION,
  ImageDataset,
  imageBatch,
  insertBottleneck,
  spikingResNet18,
  split,
  splitEnds,
  wholeModel,
  type BottleneckedModel,
  type DevicePart,
  type ServerPart,
  type SplitHead,
  type SplitTail,
  type WholeModel,
} from 'spikesplit';

export const TOKEN = 'test-token';
export const SPLIT_POINT = 'RB2';

export interface SmallSplitModel {
  model: BottleneckedModel;
  /** Frees the backbone and the bottleneck. */
  dispose(): void;
  device: DevicePart;
  server: ServerPart;
  /** What the testbed's device and server run (model-ends.ts). */
  head: SplitHead;
  tail: SplitTail;
  whole: WholeModel;
  /** A batch of 2 images [2, 32, 32, 3] the model fires on. */
  x: tf.Tensor;
}

/** Two images as uint8 pixels `[2, 32, 32, 3]` and as the model takes them (normalised by the data pipeline). */
export function pixelImages(): { pixels: Uint8Array; shape: number[]; x: tf.Tensor } {
  const pixels = new Uint8Array(2 * 32 * 32 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + (i >> 7) * 11) % 256;
  const data = new ImageDataset({
    images: pixels,
    labels: new Uint8Array(2),
    classes: ['a'],
    height: 32,
    width: 32,
    channels: 3,
    source: 'test pixels',
  });
  const { images, labels } = imageBatch(data, [0, 1], { normalization: CIFAR10_NORMALIZATION });
  labels.dispose();
  return { pixels, shape: [2, 32, 32, 3], x: images };
}

export function smallSplitModel(): SmallSplitModel {
  const backbone = spikingResNet18({ width: 1 / 16, T: 2, classes: 10, seed: 3, momentum: 1 });
  const model = insertBottleneck(backbone, SPLIT_POINT, { channels: 2 }, { seed: 7, momentum: 1 });
  const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 11);
  // running statistics from this batch (momentum 1), so the untrained network fires in inference mode
  model.forward(x, { training: true }).dispose();
  const dispose = () => {
    model.dispose();
    backbone.dispose();
    x.dispose();
  };
  return { model, dispose, ...split(model, SPLIT_POINT), ...splitEnds(model), whole: wholeModel(model), x };
}

/** The joint model's logits as rows, computed in-process: the truth the networked runs are checked against. */
export function jointLogits(model: BottleneckedModel, x: tf.Tensor): number[][] {
  const logits = model.forward(x);
  try {
    return logits.arraySync() as number[][];
  } finally {
    logits.dispose();
  }
}

/**
 * A raw WebSocket to `url` that has answered the server's challenge with `token`, for tests that send messages
 * a device never would. Resolves once the server welcomed it; rejects with the server's refusal otherwise.
 */
export async function authenticatedSocket(url: string, token = TOKEN, options: ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, options);
  await new Promise<void>((resolve, reject) => {
    let welcomed = false;
    ws.on('message', function onMessage(data: Buffer) {
      const text = String(data);
      if (!welcomed && text.includes('"challenge"')) return ws.send(helloMessage(token, readChallenge(text)));
      ws.off('message', onMessage);
      welcomed = true;
      try {
        readWelcome(text);
        resolve();
      } catch {
        reject(new Error(`not welcomed: ${text}`));
      }
    });
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`closed (${code}) before a welcome`)));
  });
  return ws;
}
