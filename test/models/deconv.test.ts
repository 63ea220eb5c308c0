import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { ConvTranspose2d, initBackend, Rng } from 'spikesplit';

before(async () => {
  await initBackend('wasm', () => {});
});

test('ConvTranspose2d scatters every input pixel through the kernel (PyTorch semantics)', () => {
  const [H, W, CI, CO, K, S, P, OP] = [3, 2, 2, 3, 3, 2, 1, 1];
  const layer = new ConvTranspose2d('dec', {
    inChannels: CI,
    outChannels: CO,
    kernel: K,
    stride: S,
    padding: P,
    outputPadding: OP,
    role: 'bottleneck',
    rng: new Rng(1),
  });
  const rng = new Rng(2);
  const x = Array.from({ length: 2 * H * W * CI }, () => rng.normal());
  const w = Array.from(layer.weight.dataSync()); // [K, K, CO, CI]
  const OH = (H - 1) * S - 2 * P + K + OP;
  const OW = (W - 1) * S - 2 * P + K + OP;
  assert.deepEqual(layer.outShape([H, W, CI]), [OH, OW, CO]);
  const want = new Float64Array(2 * OH * OW * CO);
  for (let n = 0; n < 2; n++)
    for (let iy = 0; iy < H; iy++)
      for (let ix = 0; ix < W; ix++)
        for (let ci = 0; ci < CI; ci++)
          for (let ky = 0; ky < K; ky++)
            for (let kx = 0; kx < K; kx++)
              for (let co = 0; co < CO; co++) {
                const oy = iy * S - P + ky;
                const ox = ix * S - P + kx;
                if (oy < 0 || oy >= OH || ox < 0 || ox >= OW) continue;
                want[((n * OH + oy) * OW + ox) * CO + co] +=
                  x[((n * H + iy) * W + ix) * CI + ci] * w[((ky * K + kx) * CO + co) * CI + ci];
              }
  const y = layer.forward(tf.tensor4d(x, [2, H, W, CI]), { training: false, T: 1 });
  assert.deepEqual(y.shape, [2, OH, OW, CO]);
  const got = y.dataSync();
  want.forEach((v, i) => assert.ok(Math.abs(got[i] - v) < 1e-4, `y[${i}]: ${got[i]} vs ${v}`));
  assert.equal(layer.macs([H, W, CI]), H * W * K * K * CI * CO);
  layer.dispose();
});
