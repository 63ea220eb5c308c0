/**
 * GFLOP/s of a 3x3 convolution's forward pass, input gradient and filter gradient, for each backend that
 * loads, at [32,32,32,64] and [32,8,8,256] (NHWC, channels kept; batch 2 on the slow cpu backend). On wasm it also times the backend's own
 * Conv2DBackpropInput, which spikesplit replaces, and prints each gradient's speed relative to the forward
 * conv measured in the same run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, loadNodeBinding, registerWasmKernels, type BackendName } from 'spikesplit';
import { printTable, writeResult, type Row } from './report';

type Shape = [number, number, number, number];
const SHAPES: Shape[] = [
  [32, 32, 32, 64],
  [32, 8, 8, 256],
];

/** Median seconds of `fn` over repetitions that add up to about `budgetS` (at least 2, after one warm-up); one run for a budget of 0. */
function timeIt(fn: () => tf.Tensor, budgetS: number): number {
  const once = () => {
    const t0 = process.hrtime.bigint();
    const out = fn();
    out.dataSync();
    out.dispose();
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const first = once();
  if (budgetS === 0) return first;
  const reps = Math.max(2, Math.min(50, Math.floor(budgetS / Math.max(first, 1e-4))));
  const times = Array.from({ length: reps }, once).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function measure(backend: string, shape: Shape, budgetS: number, label = ''): Row[] {
  const [n, h, w, c] = shape;
  const flop = 2 * n * h * w * c * c * 9; // same padding, stride 1: every output pixel does 9*C*C MACs
  const x = tf.randomNormal(shape) as tf.Tensor4D;
  const f = tf.randomNormal([3, 3, c, c]) as tf.Tensor4D;
  const dy = tf.randomNormal(shape) as tf.Tensor4D;
  const rows: Row[] = [];
  const ops: [string, () => tf.Tensor][] = [
    ['forward', () => tf.conv2d(x, f, 1, 'same')],
    ['input grad', () => tf.conv2dTranspose(dy, f, shape, 1, 'same')],
    [
      'filter grad',
      () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x, dy },
            { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, c, c] },
          ) as tf.Tensor,
    ],
  ];
  for (const [op, fn] of ops) {
    if (label && op !== 'input grad') continue;
    const s = timeIt(fn, budgetS);
    rows.push({ backend: backend + label, shape: `[${shape.join(',')}]`, op, ms: s * 1e3, gflops: flop / s / 1e9 });
  }
  tf.dispose([x, f, dy]);
  return rows;
}

export async function main(args: string[]): Promise<void> {
  const budgetS = Number(args.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 2);
  const rows: Row[] = [];
  const tried: BackendName[] = loadNodeBinding().loaded ? ['node', 'wasm', 'cpu'] : ['wasm', 'cpu'];
  for (const name of tried) {
    await initBackend(name);
    // The pure-JS cpu backend is hundreds of times slower (its filter gradient thousands): one run at
    // batch 2 instead of 32 tells its GFLOP/s.
    for (const shape of name === 'cpu' ? SHAPES.map(([, h, w, c]): Shape => [2, h, w, c]) : SHAPES) {
      rows.push(...measure(name, shape, name === 'cpu' ? 0 : budgetS));
      if (name === 'wasm') {
        const own = tf.getKernel('Conv2DBackpropInput', 'wasm')!;
        tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
        tf.registerKernel(builtinInputGrad);
        builtinInputGrad.setupFunc?.(tf.backend()); // its wasm binding, bound only for kernels registered at init
        rows.push(...measure(name, shape, budgetS, ' (builtin)'));
        tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
        tf.registerKernel(own);
      }
    }
  }
  const forward = (r: Row) =>
    rows.find(
      (f) => f.backend === String(r.backend).replace(' (builtin)', '') && f.shape === r.shape && f.op === 'forward',
    );
  for (const r of rows) r['x forward'] = (r.gflops as number) / ((forward(r)?.gflops as number) ?? NaN);
  printTable(rows);
  if (!loadNodeBinding().loaded) console.log(`tfjs-node not measured: ${loadNodeBinding().reason}`);
  writeResult('backend', { rows });
}

/** The wasm backend's own input-gradient kernel, kept before spikesplit replaces it, for comparison. */
const builtinInputGrad: tf.KernelConfig = (() => {
  require('@tensorflow/tfjs-backend-wasm');
  const config = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (!config) throw new Error('the wasm backend registers no Conv2DBackpropInput kernel');
  registerWasmKernels();
  return config;
})();
