/**
 * Bit accounting of a bottleneck configuration, per image, from the model's real split shapes:
 *   spikes:    bits = T h' w' c' (1 bit per neuron per step); uncompressed = T h w c (the split point's own
 *              spikes); against float32 = 32 h w c (the same feature as one float map, what a DNN sends raw);
 *   DNN codes: bits = b h' w' c' (b-bit codes); uncompressed = float32 = 32 h w c.
 * `bytes` is the packed payload, ceil(bits / 8); a frame adds its header (20 + 4 rank + name bytes).
 *
 * Shapes come from building the model once per (name, width, stem stride) and disposing it (ResNet-50 at width 1 takes
 * about 2 s and 100 MB while it lives); only the shapes are kept.
 */
import { Shape3 } from '../models/backbone';
import { createModel } from '../models/registry';
import { checkBitWidth } from './quantize';
import { reduction } from './reduction';

/** A model's split points and their shapes. */
export interface ModelSplitShapes {
  readonly model: string;
  readonly spiking: boolean;
  /** The model's default time steps (1 for the DNN). */
  readonly T: number;
  readonly splitPoints: readonly string[];
  /** Per image per step `[h, w, c]`, by split point. */
  readonly shapes: Readonly<Record<string, Shape3>>;
}

const shapesCache = new Map<string, ModelSplitShapes>();

/** The split shapes of `createModel(model, { width, stemStride })`, built once per process and disposed. */
export function modelSplitShapes(model: string, width = 1, stemStride: 1 | 2 = 1): ModelSplitShapes {
  const key = `${model}@${width}/${stemStride}`;
  let entry = shapesCache.get(key);
  if (!entry) {
    const m = createModel(model, { width, stemStride });
    try {
      entry = {
        model,
        spiking: m.spiking,
        T: m.T,
        splitPoints: [...m.splitPoints],
        shapes: Object.fromEntries(m.splitPoints.map((p) => [p, m.splitShape(p)])),
      };
    } finally {
      m.dispose();
    }
    shapesCache.set(key, entry);
  }
  return entry;
}

/** A bottleneck configuration as the paper's tables state one. */
export interface TransmissionConfig {
  /** A `createModel` name (`MODEL_NAMES`). */
  readonly model: string;
  readonly splitPoint: string;
  /** Reduced channels c'. */
  readonly channels: number;
  /** Reduced `[h', w']`; default the split point's. */
  readonly size?: readonly [number, number];
  /** Spiking models: time steps; default the model's (4). */
  readonly T?: number;
  /** DNN models: bits per value; default 8. */
  readonly bitWidth?: number;
  /** Backbone width multiplier; default 1 (the papers'). */
  readonly width?: number;
  /** ResNet stem stride; default 1 (the papers' CIFAR stem). */
  readonly stemStride?: 1 | 2;
}

export interface TransmissionBits {
  /** Sent per image: T h' w' c' (spikes) or b h' w' c' (DNN codes). */
  readonly bits: number;
  /** The packed payload, ceil(bits / 8). */
  readonly bytes: number;
  /** The split point's feature uncompressed: T h w c (spikes, 1 bit x T) or 32 h w c (DNN, float32). */
  readonly uncompressedBits: number;
  /** uncompressedBits / bits. */
  readonly ratio: number;
  /** The feature as float32, 32 h w c. */
  readonly float32Bits: number;
  /** float32Bits / bits. */
  readonly float32Ratio: number;
  /** The split point's feature per image per step `[h, w, c]`. */
  readonly splitShape: Shape3;
  /** What is sent per image per step `[h', w', c']`. */
  readonly sentShape: Shape3;
}

/** Bits sent per image for `config`; throws a RangeError naming the field that is wrong and what it accepts. */
export function transmissionBits(config: TransmissionConfig): TransmissionBits {
  const info = modelSplitShapes(config.model, config.width ?? 1, config.stemStride ?? 1);
  const splitShape = info.shapes[config.splitPoint];
  if (!splitShape)
    throw new RangeError(
      `${config.model} has no split point '${config.splitPoint}'; expected one of ${info.splitPoints.join(', ')}`,
    );
  const { to: sentShape } = reduction(splitShape, config.channels, config.size);
  const neurons = splitShape[0] * splitShape[1] * splitShape[2];
  const sent = sentShape[0] * sentShape[1] * sentShape[2];
  let bitsPerValue: number; // per sent value: T (one bit per step) or the code width
  let uncompressedBits: number;
  if (info.spiking) {
    if (config.bitWidth !== undefined)
      throw new RangeError(`bitWidth applies to DNN features; ${config.model} sends spikes: give T`);
    const T = config.T ?? info.T;
    if (!Number.isInteger(T) || T < 1) throw new RangeError(`T must be a positive integer, got ${T}`);
    bitsPerValue = T;
    uncompressedBits = T * neurons;
  } else {
    if (config.T !== undefined)
      throw new RangeError(`T applies to spikes; ${config.model} sends quantised features: give bitWidth`);
    bitsPerValue = checkBitWidth(config.bitWidth ?? 8);
    uncompressedBits = 32 * neurons;
  }
  const bits = bitsPerValue * sent;
  const float32Bits = 32 * neurons;
  return {
    bits,
    bytes: Math.ceil(bits / 8),
    uncompressedBits,
    ratio: uncompressedBits / bits,
    float32Bits,
    float32Ratio: float32Bits / bits,
    splitShape,
    sentShape,
  };
}
