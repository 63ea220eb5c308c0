/**
 * The paired bootstrap of a difference in accuracy: the same test images classified by two models, resampled as
 * whole images (both outcomes of an image together), so the interval reflects only the images on which the two
 * disagree, not the spread of the test set's difficulty.
 */
import { bootstrapInterval, type BootstrapOptions } from './bootstrap';
import type { Interval } from './interval';

/** Checks that two per-image outcomes are on the same test images (same length). */
export function checkPaired(first: Uint8Array, second: Uint8Array, where: string): void {
  if (first.length !== second.length || first.length === 0) {
    throw new RangeError(
      `${where}: paired outcomes need the same test images; got ${first.length} and ${second.length} images`,
    );
  }
}

/** The 95% interval of accuracy(first) - accuracy(second), outcomes 1 = correct, image by image. */
export function pairedBootstrapDifference(first: Uint8Array, second: Uint8Array, options: BootstrapOptions): Interval {
  checkPaired(first, second, 'pairedBootstrapDifference');
  const n = first.length;
  const diff = new Int8Array(n);
  for (let i = 0; i < n; i++) diff[i] = first[i] - second[i];
  return bootstrapInterval(
    n,
    (ix) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += diff[ix[i]];
      return s / n;
    },
    options,
  );
}
