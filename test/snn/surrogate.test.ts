import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  arctanSurrogate,
  initBackend,
  LifParams,
  lifMultiStep,
  lifParams,
  lifSpikes,
  rectangularSurrogate,
  Rng,
  sigmoidSurrogate,
  stopGradient,
  Surrogate,
  surrogateGradientError,
} from 'spikesplit';

before(async () => {
  await initBackend('cpu', () => {});
});

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const near = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('the forward pass is the exact Heaviside step for every surrogate', () => {
  for (const s of [rectangularSurrogate(), sigmoidSurrogate(), arctanSurrogate()]) {
    assert.deepEqual(values(s.spike(tf.tensor1d([-1, -1e-6, 0, 1e-6, 3]))), [0, 0, 1, 1, 1], s.name);
  }
});

test('surrogate derivatives at chosen points, worked by hand', () => {
  // rectangular a = 1: 1/a inside |x| < a/2; a = 0.5: height 2, window |x| < 0.25.
  const r1 = rectangularSurrogate({ a: 1 });
  assert.deepEqual([0, 0.49, -0.49, 0.6, -2].map(r1.derivative), [1, 1, 1, 0, 0]);
  assert.deepEqual([0, 0.2, 0.3].map(rectangularSurrogate({ a: 0.5 }).derivative), [2, 2, 0]);
  // sigmoid alpha = 4: alpha s(1 - s); at 0: 4 * 1/4 = 1; at 0.5: s = 1/(1 + e^-2) = 0.880797, 4 s (1 - s) = 0.419974.
  const sig = sigmoidSurrogate({ alpha: 4 });
  near(sig.derivative(0), 1, 1e-12, 'sigmoid at 0');
  near(sig.derivative(0.5), 0.419974, 1e-6, 'sigmoid at 0.5');
  // arctan alpha = 2: (alpha/2) / (1 + (pi/2 alpha x)^2); at 0: 1; at 1: 1 / (1 + pi^2) = 0.0920000.
  const at = arctanSurrogate({ alpha: 2 });
  near(at.derivative(0), 1, 1e-12, 'arctan at 0');
  near(at.derivative(1), 1 / (1 + Math.PI ** 2), 1e-12, 'arctan at 1');
});

test('each surrogate derivative integrates to 1, is the derivative of its primitive, and is what spike() sends back', () => {
  const pts = [-0.9, -0.2, 0.05, 0.3, 1.3]; // away from the rectangular window's edges
  for (const s of [rectangularSurrogate({ a: 0.7 }), sigmoidSurrogate({ alpha: 4 }), arctanSurrogate({ alpha: 4 })]) {
    const tail = s.name === 'arctan' ? 0.06 : 1e-3; // arctan's heavy tails: 1 - (2/pi) atan(2 pi * 3) = 0.034
    near(s.primitive(3) - s.primitive(-3), 1, tail, `${s.name} primitive increase over [-3, 3]`);
    let riemann = 0;
    for (let x = -3; x < 3; x += 1e-3) riemann += s.derivative(x + 5e-4) * 1e-3;
    near(riemann, s.primitive(3) - s.primitive(-3), 1e-3, `${s.name} integral of the derivative`);
    for (const x of pts)
      near(s.derivative(x), (s.primitive(x + 1e-6) - s.primitive(x - 1e-6)) / 2e-6, 1e-5, `${s.name} g' at ${x}`);
    const back = values(tf.grad((x: tf.Tensor) => s.spike(x))(tf.tensor1d(pts)));
    back.forEach((v, i) => near(v, s.derivative(pts[i]), 1e-6, `${s.name} backward at ${pts[i]}`));
  }
});

test('surrogate factories refuse a non-positive hyperparameter', () => {
  assert.throws(() => rectangularSurrogate({ a: 0 }), /width a must be a positive number/);
  assert.throws(() => sigmoidSurrogate({ alpha: -1 }), /steepness alpha/);
});

test('stopGradient passes values and no gradient', () => {
  const x = tf.tensor1d([1, 2]);
  assert.deepEqual(values(stopGradient(x)), [1, 2]);
  assert.deepEqual(values(tf.grad((v: tf.Tensor) => tf.add(tf.mul(stopGradient(v), v), v).sum())(x)), [2, 3]);
});

// ---- Gradients of an unrolled two-layer LIF network against finite differences ----------------------------
//
// The network: currents x [T, 3] -> W1 [3, 3] -> LIF -> W2 [3, 2] -> LIF; loss = sum c * spikes2 + sum d * spikes1.
// Independent truth, in float64 JavaScript: the same network in which every spike s = H(h0) + g(h - Vth) - g(h0 - Vth),
// with g the surrogate's smooth primitive and h0 the membrane of the exact pass. At the base point its values are
// the exact network's, and its derivative is g'(h - Vth) dh: exactly what the surrogate backward claims. Central
// finite differences of it must match tfjs's gradients of the real (step) network.

const T = 4;
type Prim = (x: number) => number;
const primitives: Record<string, Prim> = {
  rectangular: (x) => Math.min(1, Math.max(0, x / 1 + 0.5)), // a = 1
  sigmoid: (x) => 1 / (1 + Math.exp(-4 * x)), // alpha = 4
  arctan: (x) => Math.atan((Math.PI / 2) * 2 * x) / Math.PI + 0.5, // alpha = 2
};
const surrogates: Record<string, Surrogate> = {
  rectangular: rectangularSurrogate({ a: 1 }),
  sigmoid: sigmoidSurrogate({ alpha: 4 }),
  arctan: arctanSurrogate({ alpha: 2 }),
};

interface Net {
  x: number[][]; // [T][3]
  w1: number[]; // [3*3] row-major (in, out)
  w2: number[]; // [3*2]
  c: number[]; // [2]
  d: number[]; // [3]
}

/** float64 reference; `base` holds (and with `record`, collects) the exact pass's membranes, one list per layer. */
function reference(
  net: Net,
  w1: number[],
  w2: number[],
  g: Prim,
  o: { decay: number; vth: number; reset: 'hard' | 'soft'; detach: boolean },
  base: number[][],
  record: boolean,
): number {
  let loss = 0;
  const layer = (inputs: number[][], w: number[], nIn: number, nOut: number, l: number): { spikes: number[][] } => {
    const u = new Array(nOut).fill(0);
    const spikes: number[][] = [];
    for (let t = 0; t < T; t++) {
      const st: number[] = [];
      for (let j = 0; j < nOut; j++) {
        let current = 0;
        for (let i = 0; i < nIn; i++) current += inputs[t][i] * w[i * nOut + j];
        const h = o.decay * u[j] + current;
        if (record) base[l].push(h);
        const h0 = base[l][t * nOut + j];
        const exact = h0 >= o.vth ? 1 : 0;
        const s = exact + g(h - o.vth) - g(h0 - o.vth);
        const r = o.detach ? exact : s;
        u[j] = o.reset === 'hard' ? h * (1 - r) : h - o.vth * r;
        st.push(s);
      }
      spikes.push(st);
    }
    return { spikes };
  };
  const l1 = layer(net.x, w1, 3, 3, 0);
  const l2 = layer(l1.spikes, w2, 3, 2, 1);
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < 2; k++) loss += net.c[k] * l2.spikes[t][k];
    for (let j = 0; j < 3; j++) loss += net.d[j] * l1.spikes[t][j];
  }
  return loss;
}

type Impl = (x: tf.Tensor, p: LifParams) => tf.Tensor;
const IMPLS: Record<string, Impl> = {
  'lifSpikes kernel': (x, p) => lifSpikes(x, T, p),
  'lifStep autodiff': (x, p) => lifMultiStep(x, T, p).spikes,
};

function tfLoss(
  net: Net,
  w1: tf.Tensor,
  w2: tf.Tensor,
  o: { decay: number; vth: number; reset: 'hard' | 'soft'; detach: boolean },
  surrogate: Surrogate,
  impl: Impl,
): tf.Scalar {
  const p = lifParams({ decay: o.decay, vth: o.vth, reset: o.reset, detachReset: o.detach, surrogate });
  const x = tf.tensor2d(net.x); // [T*B, 3] with B = 1
  const s1 = impl(tf.matMul(x, w1 as tf.Tensor2D), p);
  const s2 = impl(tf.matMul(s1 as tf.Tensor2D, w2 as tf.Tensor2D), p);
  return tf.add(tf.sum(tf.mul(s2, tf.tensor1d(net.c))), tf.sum(tf.mul(s1, tf.tensor1d(net.d)))) as tf.Scalar;
}

for (const [implName, impl] of Object.entries(IMPLS)) {
  for (const name of Object.keys(surrogates)) {
    for (const reset of ['hard', 'soft'] as const) {
      for (const detach of [false, true]) {
        test(`unrolled T=${T} LIF network (${implName}): ${name} surrogate gradients match finite differences (${reset} reset${detach ? ', detached' : ''})`, () => {
          const o = { decay: 0.6, vth: 0.5, reset, detach };
          const rng = new Rng(7);
          const u = (lo: number, hi: number) => lo + (hi - lo) * rng.next();
          const net: Net = {
            x: Array.from({ length: T }, () => [u(0, 1), u(0, 1), u(0, 1)]),
            w1: Array.from({ length: 9 }, () => u(-0.2, 0.8)),
            w2: Array.from({ length: 6 }, () => u(-0.2, 0.9)),
            c: [0.7, -1.3],
            d: [0.5, -0.4, 0.9],
          };
          const base: number[][] = [[], []];
          const g = primitives[name];
          const exactLoss = reference(net, net.w1, net.w2, g, o, base, true);
          // The base point must be clear of the threshold (and of the rectangular window's edges).
          for (const h of base.flat()) {
            assert.ok(
              Math.abs(h - o.vth) > 1e-3 && Math.abs(Math.abs(h - o.vth) - 0.5) > 1e-3,
              `membrane ${h} too close to a kink`,
            );
          }
          const w1 = tf.tensor2d(net.w1, [3, 3]);
          const w2 = tf.tensor2d(net.w2, [3, 2]);
          near(tfLoss(net, w1, w2, o, surrogates[name], impl).dataSync()[0], exactLoss, 1e-5, 'loss');
          const [g1, g2] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tfLoss(net, a, b, o, surrogates[name], impl))([
            w1,
            w2,
          ]);
          const eps = 1e-6;
          const fd = (which: 'w1' | 'w2', i: number) => {
            const plus = { w1: [...net.w1], w2: [...net.w2] };
            const minus = { w1: [...net.w1], w2: [...net.w2] };
            plus[which][i] += eps;
            minus[which][i] -= eps;
            return (
              (reference(net, plus.w1, plus.w2, g, o, base, false) -
                reference(net, minus.w1, minus.w2, g, o, base, false)) /
              (2 * eps)
            );
          };
          let nonzero = 0;
          values(g1).forEach((v, i) => {
            const want = fd('w1', i);
            if (Math.abs(want) > 1e-3) nonzero++;
            near(v, want, 1e-4 + 1e-3 * Math.abs(want), `dL/dw1[${i}]`);
          });
          values(g2).forEach((v, i) => {
            const want = fd('w2', i);
            if (Math.abs(want) > 1e-3) nonzero++;
            near(v, want, 1e-4 + 1e-3 * Math.abs(want), `dL/dw2[${i}]`);
          });
          assert.ok(nonzero >= 4, `only ${nonzero} gradients are non-zero: the check is too weak`);
        });
      }
    }
  }
}

test("surrogateGradientError is float32 rounding for every surrogate, and catches a backward pass that is not g'", () => {
  const xs = Array.from({ length: 400 }, (_, i) => -2 + (4 * i + 1.7) / 400);
  for (const s of [rectangularSurrogate(), sigmoidSurrogate(), arctanSurrogate()])
    assert.ok(surrogateGradientError(s, xs) < 1e-6, s.name);
  // The sigmoid's spike function with the arctan's g' as what it claims to use.
  const mislabelled: Surrogate = { ...sigmoidSurrogate(), derivative: arctanSurrogate().derivative };
  assert.ok(surrogateGradientError(mislabelled, xs) > 0.1);
});
