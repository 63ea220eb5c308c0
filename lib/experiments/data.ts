/** The training and test sets a preset names, as sources the trainer reads. */
import {
  checkSplits,
  CIFAR10_NORMALIZATION,
  CIFAR100_NORMALIZATION,
  loadCifar10,
  loadCifar100,
  stratifiedSubset,
  type ImageDataset,
  type Normalization,
} from '../data';
import { imageSource, type LabelledSource } from '../train/source';
import type { ProgressOptions, ProgressSink } from '../util/progress';
import { Rng } from '../util/rng';
import type { Preset } from './preset';

export interface PresetData {
  train: LabelledSource;
  /** What each sweep row fine-tunes on: a stratified subset of `train` (or all of it). */
  finetune: LabelledSource;
  test: LabelledSource;
  /** What training evaluates after every epoch (its curve): a stratified subset of `test` (or all of it). */
  monitor: LabelledSource;
  classes: number;
  /** The drawn images themselves (what an event source emulates recordings of). */
  images: { train: ImageDataset; finetune: ImageDataset; test: ImageDataset };
  /** For results and figure labels, e.g. `cifar10-jpg (5000 of 50000 train, 1000 of 10000 test)`. */
  description: string;
}

/** The normalization a data set's images take. */
export function normalizationOf(dataset: Preset['data']['dataset']): Normalization {
  return dataset === 'cifar10' ? CIFAR10_NORMALIZATION : CIFAR100_NORMALIZATION;
}

/** A whole split of a data set (CIFAR-10 from `source`); progress on stderr unless `progress` says otherwise. */
export function loadSplit(
  data: Pick<Preset['data'], 'dataset' | 'source'>,
  split: 'train' | 'test',
  progress?: ProgressOptions | false,
): Promise<ImageDataset> {
  const options = { split, progress };
  return data.dataset === 'cifar10'
    ? loadCifar10({ ...options, source: data.source })
    : loadCifar100({ ...options, labels: 'fine' });
}

/**
 * Loads (and caches) the data, then draws the preset's seeded stratified subsets. `progress` gets the lines of
 * downloading and decoding (stderr by default).
 */
export async function presetData(preset: Preset, progress?: ProgressSink): Promise<PresetData> {
  const rng = new Rng(preset.pretrain.seed);
  const pick = (d: ImageDataset, perClass: number | null) =>
    perClass === null ? d : stratifiedSubset(d, Math.min(perClass, Math.min(...d.classCounts())), rng);
  const fullTrain = await loadSplit(preset.data, 'train', progress && { sink: progress });
  const fullTest = await loadSplit(preset.data, 'test', progress && { sink: progress });
  checkSplits(fullTrain, fullTest);
  const train = pick(fullTrain, preset.data.trainPerClass);
  const test = pick(fullTest, preset.data.testPerClass);
  const finetune = pick(train, preset.data.finetunePerClass);
  const monitor = pick(test, preset.data.monitorPerClass);
  const normalization = normalizationOf(preset.data.dataset);
  const description = `${fullTrain.source} (${train.count} of ${fullTrain.count} train, ${test.count} of ${fullTest.count} test)`;
  return {
    train: imageSource(train, normalization, `${description}: train`),
    finetune: imageSource(finetune, normalization, `${description}: ${finetune.count} fine-tuning`),
    test: imageSource(test, normalization, `${description}: test`),
    monitor: imageSource(monitor, normalization, `${description}: ${monitor.count} monitored after each epoch`),
    classes: fullTrain.classes.length,
    images: { train, finetune, test },
    description,
  };
}
