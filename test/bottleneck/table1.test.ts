import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, PAPER_TABLE1_CONFIGS, PAPER_TABLE1_PRINTED, transmissionBits } from 'spikesplit';

before(async () => {
  await initBackend('cpu', () => {}); // the models are built for their shapes only
});

test("SpikeBottleNet Table 1: every printed size, bit reduction and time step, recomputed on ResNet-50's real split shapes", () => {
  const printed = PAPER_TABLE1_PRINTED;
  assert.deepEqual(
    PAPER_TABLE1_CONFIGS.map((c) => c.splitPoint),
    printed.splitPoints,
  );
  PAPER_TABLE1_CONFIGS.forEach((config, i) => {
    const point = config.splitPoint;
    const spike = transmissionBits(config.spikeBottleNet);
    const bnpp = transmissionBits(config.bottleNetPP);
    assert.equal(spike.bytes, printed.spikeBottleNetBytes[i], `${point} SpikeBottleNet bytes`);
    assert.equal(bnpp.bytes, printed.bottleNetPPBytes[i], `${point} BottleNet++ bytes`);
    assert.equal(100 * (1 - spike.bytes / bnpp.bytes), printed.bitReductionPercent[i], `${point} bit reduction`);
    assert.equal(config.spikeBottleNet.T, printed.timeSteps[i], `${point} T`);
    // Section 4.2: channel reduction only, except the spatial reduction at RB16.
    const spatial = spike.sentShape[0] !== spike.splitShape[0];
    assert.equal(spatial, point === 'RB16', `${point} spatial reduction`);
  });
});

test('Table 1 at RB16: 131,072 bits -> 512 bits (256x) for SpikeBottleNet, 128 bytes for BottleNet++', () => {
  const rb16 = PAPER_TABLE1_CONFIGS[15];
  const spike = transmissionBits(rb16.spikeBottleNet);
  assert.deepEqual(spike.splitShape, [4, 4, 2048]);
  assert.deepEqual(spike.sentShape, [2, 2, 32]);
  assert.equal(spike.uncompressedBits, 131072);
  assert.equal(spike.bits, 512);
  assert.equal(spike.bytes, 64);
  assert.equal(spike.ratio, 256);
  assert.equal(spike.float32Bits, 4 * 4 * 2048 * 32);
  const bnpp = transmissionBits(rb16.bottleNetPP);
  assert.equal(bnpp.bytes, 128);
  assert.equal(bnpp.uncompressedBits, 4 * 4 * 2048 * 32);
  assert.equal(bnpp.ratio, 1024);
});

test('bit accounting rejects what a model does not send', () => {
  assert.throws(
    () => transmissionBits({ model: 'resnet50', splitPoint: 'RB16', channels: 32, bitWidth: 8 }),
    /bitWidth applies to DNN features; resnet50 sends spikes: give T/,
  );
  assert.throws(
    () => transmissionBits({ model: 'resnet50-dnn', splitPoint: 'RB16', channels: 32, T: 4 }),
    /T applies to spikes; resnet50-dnn sends quantised features: give bitWidth/,
  );
  assert.throws(
    () => transmissionBits({ model: 'resnet50', splitPoint: 'RB17', channels: 32 }),
    /resnet50 has no split point 'RB17'; expected one of RB1, .*RB16/,
  );
  assert.throws(
    () => transmissionBits({ model: 'resnet50', splitPoint: 'RB16', channels: 32, size: [3, 3] }),
    /expected one of 4x4, 2x2, 1x1/,
  );
});
