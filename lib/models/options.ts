/** The options every backbone factory takes. */
import { InputEncoder } from '../snn/encoding';
import { LifParams } from '../snn/lif';
import { Shape3 } from './backbone';

export interface BackboneOptions {
  /** Channel multiplier (1/8 for tests, 1 for the papers); every width is max(1, round(base * width)). */
  readonly width?: number;
  /** Time steps; default 4 (the DNN has none: 1). */
  readonly T?: number;
  /** Default 10. */
  readonly classes?: number;
  /** Seeds the weight initialisation (default 0). */
  readonly seed?: number;
  /** Default: direct encoding. */
  readonly encoder?: InputEncoder;
  /** One image or frame `[H, W, C]`; default [32, 32, 3]. */
  readonly inputShape?: Shape3;
  /** LIF parameters (spiking backbones). */
  readonly lif?: Partial<LifParams>;
  /** Running-statistics momentum of tdBN/BN (default 0.1). */
  readonly momentum?: number;
  /** Stride of the ResNet stem's 3x3 conv (default 1, the CIFAR stem; 2 halves every stage's h and w, a quarter of the compute). */
  readonly stemStride?: 1 | 2;
}

export function scaledWidth(base: number, width: number): number {
  if (!(Number.isFinite(width) && width > 0))
    throw new RangeError(`width multiplier must be a positive number, got ${width}`);
  return Math.max(1, Math.round(base * width));
}
