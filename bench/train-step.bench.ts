/**
 * Training and inference speed of the spiking backbones on the active backend (wasm unless
 * SPIKESPLIT_BACKEND says otherwise), against PyTorch + SpikingJelly on this machine's CPU:
 * - spiking ResNet-18, width 1, T = 4, batch 32, 32x32: one training step (forward, backward, plain SGD);
 * - spiking ResNet-50, width 1, T = 4, batch 8: one inference forward pass.
 * Prints ms, images/s, the ratio to the reference (targets: within 6x and 4x) and the peak RSS.
 * tfjs keeps every recorded op's output gradient until a backward pass ends, and wasm's 32-bit heap cannot
 * hold that for 32 images x 4 steps at width 1 (it runs out of memory), so the batch of 32 runs as
 * micro-batches (`--micro=8`, the default) whose gradients are summed before the SGD step: the same
 * arithmetic, with tdBN statistics per micro-batch. `--steps=N` timed repetitions after one warm-up (default 2).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, spikingResNet18, spikingResNet50, type SplittableModel } from 'spikesplit';
import { printTable, writeResult, type Row } from './report';

/** Measured on this machine with PyTorch + SpikingJelly (CPU), same shapes. */
const REFERENCE_MS = { resnet18TrainStep: 1780, resnet50Forward: 390 };
const TARGET_RATIO = { resnet18TrainStep: 6, resnet50Forward: 4 };

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeMs(fn: () => void, steps: number): number {
  fn(); // warm-up: kernel setup, first allocations
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

/** Forward, backward (summed over micro-batches of `micro` images) and a plain SGD step. */
function trainStep(model: SplittableModel, x: tf.Tensor, labels: tf.Tensor, micro: number, lr: number): void {
  const vars = model.trainableVariables();
  const batch = x.shape[0];
  let sum: tf.NamedTensorMap | null = null;
  for (let start = 0; start < batch; start += micro) {
    const size = Math.min(micro, batch - start);
    const { value, grads } = tf.variableGrads(() => {
      const xs = tf.slice(x, start, size);
      const ys = tf.slice(labels, start, size);
      return tf.mul(tf.losses.softmaxCrossEntropy(ys, model.forward(xs, { training: true })), size / batch) as tf.Scalar;
    }, vars);
    value.dispose();
    if (sum) {
      const prev: tf.NamedTensorMap = sum;
      sum = tf.tidy(() => Object.fromEntries(Object.keys(grads).map((k) => [k, tf.add(prev[k], grads[k])])));
      tf.dispose([prev, grads]);
    } else sum = grads;
  }
  const total = sum!;
  tf.tidy(() => {
    for (const v of vars) v.assign(tf.sub(v, tf.mul(total[v.name], lr)));
  });
  vars[0].dataSync(); // wait for the step to finish
  tf.dispose(total);
}

export async function main(args: string[]): Promise<void> {
  const option = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
  const steps = option('steps', 2);
  const micro = option('micro', 8);
  const backend = await initBackend(process.env.SPIKESPLIT_BACKEND ? undefined : 'wasm');
  const T = 4;

  const r18 = spikingResNet18({ width: 1, T, classes: 10 });
  const x18 = tf.randomUniform([32, 32, 32, 3], 0, 1, 'float32', 1);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 10), 'int32'), 10);
  const trainMs = timeMs(() => trainStep(r18, x18, labels, micro, 0.01), steps);
  r18.dispose();

  const r50 = spikingResNet50({ width: 1, T, classes: 100 });
  const x50 = tf.randomUniform([8, 32, 32, 3], 0, 1, 'float32', 2);
  const forwardMs = timeMs(() => tf.tidy(() => r50.forward(x50)).dataSync(), steps);
  r50.dispose();

  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  const rows: Row[] = [
    {
      case: `resnet18 train step (T=4, B=32 as ${Math.ceil(32 / micro)}x${micro})`, backend, ms: trainMs, imagesPerS: (32 * 1000) / trainMs,
      referenceMs: REFERENCE_MS.resnet18TrainStep, ratio: trainMs / REFERENCE_MS.resnet18TrainStep, target: `<= ${TARGET_RATIO.resnet18TrainStep}x`,
    },
    {
      case: 'resnet50 forward (T=4, B=8)', backend, ms: forwardMs, imagesPerS: (8 * 1000) / forwardMs,
      referenceMs: REFERENCE_MS.resnet50Forward, ratio: forwardMs / REFERENCE_MS.resnet50Forward, target: `<= ${TARGET_RATIO.resnet50Forward}x`,
    },
  ];
  printTable(rows);
  console.log(`peak RSS ${maxRssMB.toFixed(0)} MB`);
  writeResult('train-step', { backend, steps, micro, rows, maxRssMB });
}
