/**
 * Event-stream inputs for the backbones: a labelled source of emulated DVS recordings of an image data set, in
 * the form a backbone built with the frames encoder takes.
 *
 *   image i [H, W, C] --emulateDvs (seeded motion)--> events --integrateEventFrames--> [T, H, W, 2]
 *   a batch of B images --> frames folded time-major [T*B, H, W, 2] (frame t of sample b at row t*B + b)
 *
 * Build the backbone to match: `createModel('resnet18', { T, encoder: frameEncoder(), inputShape: [H, W, 2] })`
 * (the frames encoder passes the folded frames through and reports them to observers as input spikes, so the
 * frames are binary by default: 1 where a pixel had an event of that polarity in that frame, channel 0 OFF and
 * 1 ON). Recording i is emulated with seed `seed * 1_000_003 + i`, so a batch is the same whenever it is drawn.
 * No augmentation: `rng` is not used.
 *
 * Cache: emulation costs about 20 ms per 32x32 image on one core, so each recording is emulated once, at its
 * first draw, and its frames kept in memory for the life of the source (one source is one (data set, seed, T,
 * frame rule)): binary frames bit-packed (`packBits`, T*H*W*2 bits: 1 KiB for a 32x32 image at T = 4), event
 * counts as float32. Later draws (later epochs, evaluation) unpack them; the frames are identical.
 */
import * as tf from '@tensorflow/tfjs-core';
import { packBits, unpackBits } from '../codec/bitpack';
import { ImageDataset } from '../data/dataset';
import { DvsEmulatorOptions, emulateDvs } from '../data/events/dvs-emulator';
import { FrameSplit, integrateEventFrames } from '../data/events/frames';
import { foldTime, interleaveSample } from '../snn/time';
import type { LabelledSource } from '../train/source';

export interface EmulatedEventSourceOptions {
  /** Frames per recording, the backbone's T. */
  readonly T: number;
  /** Seeds the emulated camera motion and pixel mismatch of every recording. */
  readonly seed: number;
  /** How events are split into frames; default 'number' (SpikingJelly's usual choice for CIFAR10-DVS). */
  readonly splitBy?: FrameSplit;
  /** 1/0 per pixel, polarity and frame instead of event counts; default true. */
  readonly binary?: boolean;
  /** DVS emulator settings (thresholds, motion, duration); the sensor is the image's size, as the frames' [H, W]. */
  readonly emulator?: Omit<DvsEmulatorOptions, 'seed' | 'sensorSize'>;
}

/** A labelled source of emulated recordings that also tells how many events each recording has. */
export interface EmulatedEventSource extends LabelledSource {
  /** Events in the emulated recording of image `i` (emulated now if it was not drawn yet). */
  eventCount(i: number): number;
  /** Recordings emulated so far (each once). */
  readonly emulated: number;
}

interface CachedRecording {
  /** `[T, H, W, 2]`: bit-packed when the frames are binary, else the event counts. */
  readonly frames: Uint8Array | Float32Array;
  readonly events: number;
}

/** Emulated DVS recordings of `dataset`'s images as event frames `[T*B, H, W, 2]` with their labels. */
export function emulatedEventSource(dataset: ImageDataset, options: EmulatedEventSourceOptions): EmulatedEventSource {
  const { T, seed, splitBy = 'number', binary = true } = options;
  if (!Number.isInteger(T) || T < 1)
    throw new RangeError(`emulated event source: T must be a positive integer (frames per recording), got ${T}`);
  const { height, width, channels } = dataset;
  const pixels = height * width * channels;
  const frameValues = height * width * 2;
  const cache = new Map<number, CachedRecording>();

  function recording(i: number, position: number): CachedRecording {
    if (!Number.isInteger(i) || i < 0 || i >= dataset.count) {
      throw new RangeError(
        `emulated event source: index ${i} at position ${position} is outside [0, ${dataset.count}) of ${dataset.source}`,
      );
    }
    const cached = cache.get(i);
    if (cached) return cached;
    const image = dataset.images.subarray(i * pixels, (i + 1) * pixels);
    const stream = emulateDvs(image, [height, width, channels], { ...options.emulator, seed: seed * 1_000_003 + i });
    const frames = integrateEventFrames(stream, { frames: T, splitBy, binary }).data; // [T, H, W, 2]
    const entry = { frames: binary ? packBits(frames) : frames, events: stream.x.length };
    cache.set(i, entry);
    return entry;
  }

  /** Frames of recording i `[T, H, W, 2]` as float32. */
  const framesOf = (entry: CachedRecording): Float32Array =>
    entry.frames instanceof Float32Array ? entry.frames : Float32Array.from(unpackBits(entry.frames, T * frameValues));

  return {
    description: `emulated DVS (T = ${T}, split by ${splitBy}${binary ? ', binary' : ''}) of ${dataset.source}`,
    count: dataset.count,
    classes: dataset.classes.length,
    get emulated() {
      return cache.size;
    },
    eventCount: (i) => recording(i, 0).events,
    batch(indices) {
      const B = indices.length;
      const data = new Float32Array(T * B * frameValues); // [T, B, H, W, 2]
      const labels = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        interleaveSample(data, framesOf(recording(indices[b], b)), b, B, T);
        labels[b] = dataset.labels[indices[b]];
      }
      return tf.tidy(() => ({
        x: foldTime(tf.tensor(data, [T, B, height, width, 2])),
        labels: tf.tensor1d(labels, 'int32'),
      }));
    },
  };
}
