/**
 * NeuCODEX's learned temporal compression at the split point: the device sends T' < T time steps of spikes
 * (down to 1) and the server restores T steps for the backbone's tail. Both halves are built on one layer, a
 * masked per-channel linear map over time (`TimeMix`):
 *
 *   out[u, b, y, x, c] = sum_t M[u, t] * W[u, t, c] * in[t, b, y, x, c]     in [Tin*B, h, w, c] -> out [Tout*B, h, w, c]
 *
 * with a fixed 0/1 mask M [Tout, Tin] that gives each half its structure (g = T / T' steps per group):
 * - device, `TemporalEncoder` (T -> T'): sent step k mixes the g spike steps of its own group,
 *   M[k, t] = 1 iff floor(t / g) = k, with a learned weight per input step and channel (starting at 1/g, the
 *   group's firing rate), then tdBN and a LIF over the T' steps: spikes go out. The device can send step k as
 *   soon as it has seen its group. It is spike-driven: the map only adds weights where spikes are, tdBN at
 *   inference is a per-channel affine map that folds into W and a bias, and the LIF emits spikes.
 * - server, `temporalExpander` (T' -> T): restored step t mixes every received step up to its own group,
 *   M[t, k] = 1 iff k <= floor(t / g), W starting as each received step repeated g times. Its output is a
 *   real-valued input for the bottleneck decoder (deconv -> tdBN -> LIF over T), whose LIF turns it into spikes
 *   again. It has no LIF of its own on purpose: a per-channel map of binary inputs gives each neuron only a few
 *   current levels, which tdBN puts outside the surrogate's window, so a LIF right there passes no gradient
 *   (measured on a tiny ResNet-18 at T = 4 to 1: all-zero gradients upstream of it); the deconv mixes channels and space first. The mask
 *   keeps the server causal at group granularity, so early exit still works one group at a time.
 *
 * The same gradient argument is why the device needs g >= 2 (T' < T, as compression means anyway): with one
 * step per group its map is a per-channel affine map of binary spikes, tdBN sees two levels, and the LIF after it
 * passes no gradient (measured on a tiny ResNet-18 at T = 4 to 4). With g >= 2 a sent step mixes several spike
 * steps and trains (the tests check gradients at T = 4 to 2 and train 4 to 1).
 *
 * Masked entries of W get zero gradient and stay 0. Time is folded as everywhere (`[T*B, ...]`, time-major);
 * a layer's input has `stepsIn` steps and its output `stepsOut`, whatever the run's T (the model's).
 */
import * as tf from '@tensorflow/tfjs-core';
import { LIF, LifParams, lifParams } from '../snn/lif';
import { Module, Run } from '../snn/module';
import { TdBN } from '../snn/tdbn';
import { foldTime, unfoldTime } from '../snn/time';

export interface TemporalCompressionOptions {
  /** Time steps of the spikes at the split point (the backbone's T). */
  readonly T: number;
  /** Time steps sent, T', smaller than T and dividing it (1 sends a single step). */
  readonly sentSteps: number;
  /** Channels of the spikes (c' of the bottleneck's output). */
  readonly channels: number;
  /** LIF parameters of the device's neurons; pass the backbone's if it was built with others. */
  readonly lif?: Partial<LifParams>;
  /** Running-statistics momentum of the device's tdBN (default 0.1). */
  readonly momentum?: number;
}

interface TimeMixSpec {
  readonly stepsIn: number;
  readonly stepsOut: number;
  readonly channels: number;
  /** Which inputs each output step reads, `[stepsOut][stepsIn]` of 0/1. */
  readonly mask: number[][];
  /** Initial weight of each read input, `[stepsOut][stepsIn]`, the same for every channel. */
  readonly init: number[][];
}

/** A masked per-channel linear map over time: `[Tin*B, h, w, c]` -> `[Tout*B, h, w, c]`. */
export class TimeMix extends Module {
  readonly stepsIn: number;
  readonly stepsOut: number;
  readonly channels: number;
  /** `[Tout, Tin, c]`; entries outside the mask are 0 and stay 0. */
  readonly weight: tf.Variable;
  private readonly maskValues: Float32Array; // [Tout, Tin]

  constructor(name: string, spec: TimeMixSpec) {
    super(name);
    const { stepsIn, stepsOut, channels } = spec;
    this.stepsIn = stepsIn;
    this.stepsOut = stepsOut;
    this.channels = channels;
    this.maskValues = Float32Array.from(spec.mask.flat());
    const init = new Float32Array(stepsOut * stepsIn * channels);
    for (let u = 0; u < stepsOut; u++) {
      for (let t = 0; t < stepsIn; t++)
        init.fill(spec.mask[u][t] * spec.init[u][t], (u * stepsIn + t) * channels, (u * stepsIn + t + 1) * channels);
    }
    this.weight = this.variable('weight', tf.tensor3d(init, [stepsOut, stepsIn, channels]), true);
  }

  /** `stepsIn` steps -> `stepsOut` steps; the run is not needed (no neurons, no statistics). */
  forward(x: tf.Tensor): tf.Tensor {
    const [rows, h, w, c] = x.shape;
    if (x.rank !== 4 || c !== this.channels || rows % this.stepsIn !== 0) {
      throw new RangeError(
        `${this.name}: expected [${this.stepsIn}*B, h, w, ${this.channels}] (${this.stepsIn} steps), got shape [${x.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      const steps = tf.reshape(unfoldTime(x, this.stepsIn), [this.stepsIn, -1, c]); // [Tin, B*h*w, c]
      const mask = tf.tensor3d(this.maskValues, [this.stepsOut, this.stepsIn, 1]);
      const weight = tf.transpose(tf.mul(this.weight, mask), [2, 0, 1]); // [c, Tout, Tin]
      const mixed = tf.matMul(weight, tf.transpose(steps, [2, 0, 1])); // [c, Tout, B*h*w]
      return foldTime(tf.reshape(tf.transpose(mixed, [1, 2, 0]), [this.stepsOut, rows / this.stepsIn, h, w, c])); // [Tout*B, h, w, c]
    });
  }

  outShape(inShape: readonly number[]): number[] {
    return [...inShape];
  }
}

function checkSteps(o: TemporalCompressionOptions): { T: number; sent: number; group: number } {
  const { T, sentSteps: sent, channels } = o;
  if (!Number.isInteger(T) || T < 1)
    throw new RangeError(`temporal compression: T must be a positive integer, got ${T}`);
  if (!Number.isInteger(sent) || sent < 1 || sent >= T || T % sent !== 0) {
    const allowed = Array.from({ length: T - 1 }, (_, i) => i + 1).filter((d) => T % d === 0);
    throw new RangeError(
      `temporal compression: sentSteps must be smaller than T = ${T} and divide it (${allowed.join(', ') || 'none: T must be at least 2'}), got ${sent}`,
    );
  }
  if (!Number.isInteger(channels) || channels < 1)
    throw new RangeError(`temporal compression: channels must be a positive integer, got ${channels}`);
  return { T, sent, group: T / sent };
}

const table = (rows: number, cols: number, f: (r: number, c: number) => number) =>
  Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => f(r, c)));

/** The device half, `temporal.encoder`: spikes of T steps -> spikes of T' steps (mix of each group, tdBN, LIF). */
export class TemporalEncoder extends Module {
  readonly sentSteps: number;
  readonly mix: TimeMix;
  readonly bn: TdBN;
  readonly lif: LIF;

  constructor(o: TemporalCompressionOptions) {
    super('temporal.encoder');
    const { T, sent, group } = checkSteps(o);
    const lif = lifParams(o.lif);
    this.sentSteps = sent;
    this.mix = this.child(
      new TimeMix(`${this.name}.mix`, {
        stepsIn: T,
        stepsOut: sent,
        channels: o.channels,
        mask: table(sent, T, (k, t) => (Math.floor(t / group) === k ? 1 : 0)),
        init: table(sent, T, () => 1 / group),
      }),
    );
    this.bn = this.child(new TdBN(`${this.name}.bn`, o.channels, { vth: lif.vth, momentum: o.momentum }));
    this.lif = this.child(new LIF(`${this.name}.lif`, lif));
  }

  /** Spikes `[T*B, h, w, c]` -> sent spikes `[T'*B, h, w, c]`; `run` gives the training mode and the observer. */
  forward(x: tf.Tensor, run: Run): tf.Tensor {
    return tf.tidy(() => {
      const sent: Run = { ...run, T: this.sentSteps };
      return this.lif.forward(this.bn.forward(this.mix.forward(x), sent), sent);
    });
  }

  outShape(inShape: readonly number[]): number[] {
    return [...inShape];
  }
}

/** The server half, `temporal.expander`: received spikes of T' steps -> real input of T steps for the bottleneck decoder. */
export function temporalExpander(o: TemporalCompressionOptions): TimeMix {
  const { T, sent, group } = checkSteps(o);
  return new TimeMix('temporal.expander', {
    stepsIn: sent,
    stepsOut: T,
    channels: o.channels,
    mask: table(T, sent, (t, k) => (k <= Math.floor(t / group) ? 1 : 0)),
    init: table(T, sent, (t, k) => (k === Math.floor(t / group) ? 1 : 0)),
  });
}
