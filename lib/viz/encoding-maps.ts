/**
 * The spike trains of one image that notebook 01 draws: its Poisson spikes, its intensities driven straight into
 * LIF neurons (direct encoding), and the trained stem's firing, each as a series of maps; with the views the
 * figures take (`framePanels`' maps, a raster of one image row).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SplitBackbone } from '../models/backbone';
import { directEncoder, poissonEncoder } from '../snn/encoding';
import { lifStep, type LifParams } from '../snn/lif';
import { Rng } from '../util/rng';
import type { SpikeTrains } from './spikes';

/** `steps` maps of `height` x `width`, time-major: `values[t * height * width + y * width + x]`. */
export interface MapSeries {
  steps: number;
  height: number;
  width: number;
  values: Float32Array;
}

/** Gray intensities `[height * width]` in [0, 1] as a series of one map. */
export function intensityMap(gray: Float32Array, height: number, width: number): MapSeries {
  if (gray.length !== height * width)
    throw new RangeError(`intensityMap: ${gray.length} values; expected height x width = ${height * width}`);
  return { steps: 1, height, width, values: gray };
}

/** The image as a `[1, H, W, 1]` tensor, for an encoder. */
function imageTensor(image: MapSeries): tf.Tensor4D {
  return tf.tensor4d(image.values, [1, image.height, image.width, 1]);
}

/** Rate coding (`poissonEncoder` from a `Rng` of `seed`): each pixel fires with its intensity's probability at every step. */
export function poissonMaps(image: MapSeries, steps: number, seed: number): MapSeries {
  const x = imageTensor(image);
  const spikes = poissonEncoder(new Rng(seed)).encode(x, steps); // [steps, H, W, 1]
  const values = spikes.dataSync() as Float32Array;
  tf.dispose([x, spikes]);
  return { ...image, steps, values };
}

/** Direct encoding straight into a layer of LIF neurons: the intensities enter `lifStep` at every step. */
export function directLifMaps(image: MapSeries, steps: number, lif: LifParams): MapSeries {
  const x = imageTensor(image);
  const direct = directEncoder().encode(x, steps); // [steps, H, W, 1]: the intensities at every step
  const inputs = tf.unstack(direct);
  const pixels = image.height * image.width;
  const values = new Float32Array(steps * pixels);
  let u = tf.zerosLike(inputs[0]);
  inputs.forEach((xt, t) => {
    const out = lifStep(xt, u, lif);
    values.set(out.spike.dataSync(), t * pixels);
    tf.dispose([u, out.spike, xt]);
    u = out.u;
  });
  tf.dispose([u, direct, x]);
  return { ...image, steps, values };
}

/**
 * The fraction of the trained stem's channels firing at each pixel, per step, for `images` (`[1, H, W, C]`,
 * normalised as in training): what the stem's LIF (`stem.lif`) emits, the network's first spike trains.
 */
export function stemFiringMaps(backbone: SplitBackbone, images: tf.Tensor): MapSeries & { channels: number } {
  let stem: tf.Tensor | null = null;
  let channels = 0;
  const captureStem = {
    activation(name: string, out: tf.Tensor) {
      if (name !== 'stem.lif') return;
      stem = tf.keep(tf.mean(out, -1)); // [T, H, W]: fraction of the channels firing
      channels = out.shape[out.rank - 1];
    },
  };
  tf.dispose(backbone.forwardTo(images, backbone.splitPoints[0], { observer: captureStem }));
  if (stem === null) throw new Error("the backbone's forward pass reported no 'stem.lif' activation");
  const kept = stem as tf.Tensor;
  const [steps, height, width] = kept.shape;
  const values = kept.dataSync() as Float32Array;
  kept.dispose();
  return { steps, height, width, values, channels };
}

/** Step `t` of a series as a map `[height][width]`. */
export function mapAt(series: MapSeries, t: number): number[][] {
  const { height, width, values } = series;
  return Array.from({ length: height }, (_, y) =>
    Array.from({ length: width }, (_, x) => values[t * height * width + y * width + x]),
  );
}

/** Each pixel's mean over the steps (its firing rate, for spikes), as a series of one map. */
export function rateMap(series: MapSeries): MapSeries {
  const pixels = series.height * series.width;
  const rate = new Float32Array(pixels).map((_, p) => {
    let n = 0;
    for (let t = 0; t < series.steps; t++) n += series.values[t * pixels + p];
    return n / series.steps;
  });
  return { ...series, steps: 1, values: rate };
}

/** The spike trains of image row `row`'s pixels, for `spikeRaster`. */
export function rowTrains(series: MapSeries, row: number): SpikeTrains {
  const { steps, height, width, values } = series;
  if (!Number.isInteger(row) || row < 0 || row >= height)
    throw new RangeError(`rowTrains: row ${row}; expected 0 to ${height - 1}`);
  return {
    steps,
    neurons: width,
    values: Array.from(
      { length: steps * width },
      (_, k) => values[Math.floor(k / width) * height * width + row * width + (k % width)],
    ),
  };
}
