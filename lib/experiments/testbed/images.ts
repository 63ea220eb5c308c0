/** The testbed's images: the first of a seeded stratified subset of a split of its data set. */
import { stratifiedSubset, type ImageDataset } from '../../data';
import { Rng } from '../../util/rng';
import { loadSplit } from '../data';
import type { TestbedConfig } from './config';

/** The first `count` images of a seeded stratified subset of `split`, loaded without progress lines. */
export async function loadTestbedImages(
  data: TestbedConfig['data'],
  split: 'train' | 'test',
  count: number,
  seed: number,
): Promise<ImageDataset> {
  const full = await loadSplit(data, split, false);
  const perClass = Math.min(Math.ceil(count / full.classes.length), ...full.classCounts());
  const subset = stratifiedSubset(full, perClass, new Rng(seed));
  return subset.subset(Array.from({ length: Math.min(count, subset.count) }, (_, i) => i));
}
