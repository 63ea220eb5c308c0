// A spiking ResNet-18 (width 1/4, T=2) learns on 2,000 real CIFAR-10 training images: after one epoch its
// accuracy on those images, in inference mode, is well above chance: at chance (10%) the accuracy of 2,000
// images has a standard error of 0.67 points, so 18% is twelve standard errors above it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import {
  CIFAR10_NORMALIZATION,
  createModel,
  defaultCifar10JpgArchive,
  imageSource,
  initBackend,
  loadCifar10,
  Rng,
  stratifiedSubset,
  train,
} from 'spikesplit';

test('spiking ResNet-18 at width 1/4, T=2 learns on 2,000 real CIFAR-10 images', async () => {
  const archive = defaultCifar10JpgArchive();
  assert.ok(fs.existsSync(archive), `this test needs the real CIFAR-10 at ${archive} (or SPIKESPLIT_CIFAR10_JPG)`);
  await initBackend('wasm', () => undefined);
  const full = await loadCifar10({ split: 'train', source: 'jpg', progress: false });
  const images = imageSource(stratifiedSubset(full, 200, new Rng(7)), CIFAR10_NORMALIZATION);
  const model = createModel('resnet18', { width: 1 / 4, T: 2, seed: 7 });
  try {
    const { history } = await train.train(
      model,
      images,
      images,
      {
        epochs: 1,
        batchSize: 32,
        optimizer: { kind: 'adam', weightDecay: 0 },
        schedule: { kind: 'constant', lr: 2e-3 },
        seed: 7,
        augment: false,
      },
      { progress: () => undefined, log: () => undefined },
    );
    const accuracy = history[0].testAccuracy; // the same 2,000 images, inference mode, after the epoch
    assert.equal(images.count, 2000);
    assert.ok(accuracy > 0.18, `training-set accuracy after one epoch: ${(100 * accuracy).toFixed(1)}% (chance: 10%)`);
  } finally {
    model.dispose();
  }
});
