/**
 * Surrogate gradients: the forward pass is the exact Heaviside step H(x) = [x >= 0] (x = u - Vth); the
 * backward pass multiplies by the derivative of a smooth `primitive` g that tends to H as its steepness grows.
 * Each factory closes over its hyperparameter; `spike` is built with `tf.customGrad`. The formulas are plain
 * functions of one number; the engine's LIF kernel (lib/engine/assembly/lif.ts) computes the same three,
 * and the LIF tests check it against autodiff of the tensor step, which uses these.
 */
import * as tf from '@tensorflow/tfjs-core';

export type SurrogateName = 'rectangular' | 'sigmoid' | 'arctan';

export interface Surrogate {
  readonly name: SurrogateName;
  /** The hyperparameter, by name (`a` for rectangular, `alpha` for sigmoid and arctan). */
  readonly params: Readonly<Record<string, number>>;
  /** H(x) forward, `dy * g'(x)` backward, elementwise. */
  spike(x: tf.Tensor): tf.Tensor;
  /** g'(x), the gradient used in place of H'(x). */
  derivative(x: number): number;
  /** g(x), the smooth function the surrogate stands for. */
  primitive(x: number): number;
}

function positive(name: string, value: number, what: string): number {
  if (!(Number.isFinite(value) && value > 0))
    throw new RangeError(`${name} surrogate: ${what} must be a positive number, got ${value}`);
  return value;
}

function surrogate(
  name: SurrogateName,
  params: Record<string, number>,
  derivative: (x: number) => number,
  primitive: (x: number) => number,
): Surrogate {
  const spike = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    return {
      value: tf.cast(tf.greaterEqual(x, 0), 'float32'),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) =>
        tf.mul(dy, tf.tensor((saved.dataSync() as Float32Array).map(derivative), saved.shape)),
    };
  }) as (x: tf.Tensor) => tf.Tensor;
  return { name, params, spike, derivative, primitive };
}

/**
 * STBP's rectangular window (SpikeBottleNet eq. 6): g'(x) = 1/a for |x| < a/2, else 0; width a, integral 1.
 * Primitive: the ramp clip(x/a + 1/2, 0, 1).
 */
export function rectangularSurrogate({ a = 1 }: { a?: number } = {}): Surrogate {
  positive('rectangular', a, 'width a');
  return surrogate(
    'rectangular',
    { a },
    (x) => (Math.abs(x) < a / 2 ? 1 / a : 0),
    (x) => Math.min(1, Math.max(0, x / a + 0.5)),
  );
}

/** g(x) = sigmoid(alpha x); g'(x) = alpha s (1 - s), alpha/4 at 0 (SpikingJelly's Sigmoid, default alpha 4). */
export function sigmoidSurrogate({ alpha = 4 }: { alpha?: number } = {}): Surrogate {
  positive('sigmoid', alpha, 'steepness alpha');
  const g = (x: number) => 1 / (1 + Math.exp(-alpha * x));
  return surrogate('sigmoid', { alpha }, (x) => alpha * g(x) * (1 - g(x)), g);
}

/**
 * g(x) = atan(pi/2 alpha x)/pi + 1/2; g'(x) = (alpha/2) / (1 + (pi/2 alpha x)^2), alpha/2 at 0
 * (SpikingJelly's ATan, default alpha 2).
 */
export function arctanSurrogate({ alpha = 2 }: { alpha?: number } = {}): Surrogate {
  positive('arctan', alpha, 'steepness alpha');
  const k = (Math.PI / 2) * alpha;
  return surrogate(
    'arctan',
    { alpha },
    (x) => alpha / 2 / (1 + (k * x) ** 2),
    (x) => Math.atan(k * x) / Math.PI + 0.5,
  );
}

/** The largest |tf.grad - g'| of a surrogate's spike function over `xs`, in float32: 0 up to rounding when its backward pass is g'. */
export function surrogateGradientError(surrogate: Surrogate, xs: readonly number[]): number {
  const grad = tf.tidy(() =>
    tf
      .grad((v: tf.Tensor) => surrogate.spike(v))(tf.tensor1d(xs as number[]))
      .dataSync(),
  );
  return Math.max(...xs.map((x, i) => Math.abs(grad[i] - surrogate.derivative(x))));
}
