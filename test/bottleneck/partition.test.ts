import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  decodeFrame,
  deviceEncode,
  dnnResNet50,
  erasedFrame,
  FrameError,
  initBackend,
  insertBottleneck,
  serverDecode,
  serverForward,
  spikingResNet18,
  split,
  transmissionBits,
  type BottleneckConfig,
  type BottleneckedModel,
} from 'spikesplit';

before(async () => {
  await initBackend('wasm', () => {});
});

/** Bitwise equality of two float32 tensors (same shape, same bytes). */
function assertBitwiseEqual(a: tf.Tensor, b: tf.Tensor, what: string): void {
  assert.deepEqual(a.shape, b.shape, what);
  const bytes = (t: tf.Tensor) => Buffer.from((t.dataSync() as Float32Array).buffer);
  assert.ok(
    bytes(a).equals(bytes(b)),
    `${what}: ${Array.from(a.dataSync()).slice(0, 4)} vs ${Array.from(b.dataSync()).slice(0, 4)}`,
  );
}

const B = 3;
const T = 2;

/**
 * Sets every tdBN/BN running statistic to `x`'s batch statistics (momentum 1, one training-mode pass), so an
 * untrained network still fires in inference mode (with the initial statistics, deep layers stay silent).
 */
function calibrate(model: BottleneckedModel, x: tf.Tensor): void {
  model.forward(x, { training: true }).dispose();
}

test('spiking ResNet-18 (width 1/16, T = 2) at RB2 and RB7: device then server equals the joint model bitwise, directly and through frames', () => {
  const backbone = spikingResNet18({ width: 1 / 16, T, classes: 10, seed: 3, momentum: 1 });
  const x = tf.randomUniform([B, 32, 32, 3], 0, 1, 'float32', 11);
  const cases: [string, BottleneckConfig][] = [
    ['RB2', { channels: 2 }], // 32x32x4 -> 32x32x2
    ['RB7', { channels: 8, size: [2, 2] }], // 4x4x32 -> 2x2x8
  ];
  for (const [point, config] of cases) {
    const model = insertBottleneck(backbone, point, config, { seed: 7, momentum: 1 });
    calibrate(model, x);
    const joint = model.forward(x);
    const jointSteps = model.forwardSteps(x);
    const { device, server } = split(model, point);

    const sent = device.forward(x);
    const [h, w] = config.size ?? backbone.splitShape(point).slice(0, 2);
    assert.deepEqual(sent.shape, [T * B, h, w, config.channels], point);
    const values = Array.from(sent.dataSync());
    assert.ok(
      values.every((v) => v === 0 || v === 1),
      `${point}: the device sends binary spikes`,
    );
    assert.ok(values.includes(1) && values.includes(0), `${point}: some neurons fire, some do not`);

    assertBitwiseEqual(server.forward(sent), joint, `${point} direct`);
    assertBitwiseEqual(server.forwardSteps(sent), jointSteps, `${point} per step`);

    const frame = deviceEncode(device, x);
    const { meta } = decodeFrame(frame);
    assert.deepEqual(meta, { splitPoint: point, T, shape: [T * B, h, w, config.channels], coding: 'packed' });
    // The payload is what the bit accounting says: B images of `bytes` each, after a 20 + 4R + name header.
    const accounted = transmissionBits({ model: 'resnet18', width: 1 / 16, splitPoint: point, ...config, T });
    assert.equal(frame.length, 20 + 4 * 4 + point.length + B * accounted.bytes, point);
    assertBitwiseEqual(serverDecode(server, frame), joint, `${point} packed frame`);
    assertBitwiseEqual(
      serverDecode(server, deviceEncode(device, x, { coding: 'entropy' })),
      joint,
      `${point} entropy frame`,
    );
    model.dispose();
  }
  const atRB2 = insertBottleneck(backbone, 'RB2', { channels: 2 });
  assert.throws(() => split(atRB2, 'RB3'), /bottleneck at 'RB2', so it splits only there; got 'RB3'/);
  atRB2.dispose();
  backbone.dispose();
});

test('DNN ResNet-50 with BottleNet++ (4-bit codes): the device sends integer codes; frames carry them at 4 bits each; bitwise equal logits', () => {
  const backbone = dnnResNet50({ width: 1 / 16, classes: 10, seed: 4, momentum: 1 });
  const x = tf.randomUniform([B, 32, 32, 3], 0, 1, 'float32', 12);
  const point = 'RB5'; // 16x16x32
  const model = insertBottleneck(backbone, point, { channels: 4, size: [8, 8], bitWidth: 4 }, { seed: 8, momentum: 1 });
  calibrate(model, x);
  const joint = model.forward(x);
  const { device, server } = split(model, point);
  const codes = device.forward(x);
  assert.equal(codes.dtype, 'int32');
  assert.deepEqual(codes.shape, [B, 8, 8, 4]);
  const values = Array.from(codes.dataSync());
  assert.ok(
    values.every((v) => Number.isInteger(v) && v >= 0 && v <= 15),
    'codes in [0, 15]',
  );
  assert.ok(new Set(values).size > 2, 'the codes vary');
  assertBitwiseEqual(server.forward(codes), joint, 'direct');

  const frame = deviceEncode(device, x);
  const { meta } = decodeFrame(frame);
  assert.deepEqual(meta, { splitPoint: point, T: 1, shape: [B, 8, 8, 4, 4], coding: 'packed' });
  assert.equal(frame.length, 20 + 4 * 5 + point.length + (B * 8 * 8 * 4 * 4) / 8, '4 bits per code');
  assertBitwiseEqual(serverDecode(server, frame), joint, 'frame');
  model.dispose();
  backbone.dispose();
});

test('the server refuses a damaged frame and a frame of another split point; an erased frame runs as all-zero spikes', () => {
  const backbone = spikingResNet18({ width: 1 / 16, T, classes: 10, seed: 3 });
  const x = tf.randomUniform([B, 32, 32, 3], 0, 1, 'float32', 11);
  const atRB2 = insertBottleneck(backbone, 'RB2', { channels: 2 });
  const atRB4 = insertBottleneck(backbone, 'RB4', { channels: 2 });
  const a = split(atRB2, 'RB2');
  const b = split(atRB4, 'RB4');
  const frame = deviceEncode(a.device, x);
  const damaged = frame.slice();
  damaged[damaged.length - 1] ^= 1;
  assert.throws(
    () => serverDecode(a.server, damaged),
    (err: unknown) => err instanceof FrameError && err.field === 'crc',
  );
  assert.throws(
    () => serverDecode(b.server, frame),
    /frame holds split point 'RB2', T = 2, shape \[6, 32, 32, 2\]; this server expects 'RB4', \[T\*B, 16, 16, 2\] with T = 2/,
  );
  const erased = erasedFrame(a.server, B);
  assert.deepEqual(erased.meta.shape, [T * B, 32, 32, 2]);
  const zeros = tf.zeros([T * B, 32, 32, 2]);
  assertBitwiseEqual(serverForward(a.server, erased), a.server.forward(zeros), 'erasure = zeros');
  const tensors = tf.memory().numTensors;
  serverDecode(a.server, deviceEncode(a.device, x)).dispose();
  assert.equal(tf.memory().numTensors, tensors, 'device and server leave no tensors behind');
  atRB2.dispose();
  atRB4.dispose();
  backbone.dispose();
});
