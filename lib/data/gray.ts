/** Gray intensity in [0, 1] of an image's bytes: (0.299 R + 0.587 G + 0.114 B) / 255 (ITU-R BT.601 luma) for RGB, value / 255 for gray. */
import type { ImageDataset } from './dataset';

const LUMA_RGB = [0.299, 0.587, 0.114];

/** The gray intensity `[H * W]` of `pixels`, an `[H, W, C]` image with C = 1 or 3; `caller` names the function in errors. */
export function grayIntensity(
  pixels: Uint8Array,
  shape: readonly [number, number, number],
  caller = 'grayIntensity',
): Float32Array {
  const [height, width, channels] = shape;
  if (![height, width].every((d) => Number.isInteger(d) && d >= 1) || (channels !== 1 && channels !== 3)) {
    throw new RangeError(
      `${caller}: image shape [${shape.join(', ')}] is invalid; expected [H, W, C] with H, W >= 1 and C 1 (gray) or 3 (RGB)`,
    );
  }
  if (pixels.length !== height * width * channels) {
    throw new RangeError(
      `${caller}: image has ${pixels.length} bytes; expected H*W*C = ${height * width * channels} for shape [${shape.join(', ')}]`,
    );
  }
  const gray = new Float32Array(height * width);
  for (let i = 0; i < gray.length; i++) {
    gray[i] = channels === 1 ? pixels[i] / 255 : LUMA_RGB.reduce((sum, w, c) => sum + w * pixels[i * 3 + c], 0) / 255;
  }
  return gray;
}

/** The gray intensity `[H * W]` of image `index` of `dataset`. */
export function grayImage(dataset: ImageDataset, index: number): Float32Array {
  const { height, width, channels } = dataset;
  if (!Number.isInteger(index) || index < 0 || index >= dataset.count)
    throw new RangeError(`grayImage: image ${index} of ${dataset.source}; expected 0 to ${dataset.count - 1}`);
  const size = height * width * channels;
  return grayIntensity(
    dataset.images.subarray(index * size, (index + 1) * size),
    [height, width, channels],
    'grayImage',
  );
}
