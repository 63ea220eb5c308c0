/**
 * Checks that a training and a test set can be used together: every class has images in each, and the test
 * images are not the training images (hashing each image's pixels). A few exact duplicates between the splits
 * can occur in real data sets, so overlap is refused only above MAX_OVERLAP of the test set.
 */
import { createHash } from 'crypto';
import { ImageDataset } from './dataset';

export const MAX_OVERLAP = 0.01;

/** Throws a RangeError naming the data set and what is wrong. */
export function checkSplits(train: ImageDataset, test: ImageDataset): void {
  for (const d of [train, test]) {
    const counts = d.classCounts();
    const absent = d.classes.filter((_, c) => counts[c] === 0);
    if (absent.length > 0)
      throw new RangeError(
        `${d.source} has no image of class(es) ${absent.join(', ')}; expected every class of ${d.classes.length}`,
      );
  }
  const size = train.height * train.width * train.channels;
  const digest = (d: ImageDataset, i: number) =>
    createHash('sha1')
      .update(d.images.subarray(i * size, (i + 1) * size))
      .digest('base64');
  const seen = new Set<string>();
  for (let i = 0; i < train.count; i++) seen.add(digest(train, i));
  let shared = 0;
  for (let i = 0; i < test.count; i++) if (seen.has(digest(test, i))) shared++;
  if (shared > MAX_OVERLAP * test.count) {
    throw new RangeError(
      `${shared} of the ${test.count} test images of ${test.source} are also training images of ${train.source}; expected at most ${100 * MAX_OVERLAP}% (the splits are copies of each other?)`,
    );
  }
}
