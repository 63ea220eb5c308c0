/**
 * Kernels that the wasm backend lacks or runs slowly, built on its fast XNNPACK forward convolution and
 * matrix product instead of a JavaScript loop:
 * - `Conv2DBackpropFilter` (the filter gradient; wasm has none),
 * - `Conv2DBackpropInput` (the input gradient, and `conv2dTranspose`; wasm's own runs at a tenth of the
 *   forward conv's speed): NHWC, any kernel size, any stride, TensorFlow's `same` padding rule, `valid` or
 *   explicit pads, dilation 1. A 1x1 kernel without padding is a matrix product; every other case is one
 *   forward conv. On more than one thread it is split by batch rows across the dense pool (dense-pool.ts):
 *   the input gradient is the largest dense part of a spiking network's training step;
 * - `BatchMatMul` with a transposed operand (every matMul gradient): wasm's runs 7-10x slower than an
 *   explicit transpose followed by the untransposed product, so it is wrapped to do exactly that;
 * - `Identity` (every tensor a custom gradient saves, `tf.clone`): wasm's copies the data; kernels never
 *   write into their inputs, so sharing the buffer with one more reference (as the cpu backend does) is safe.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { densePool } from './dense-pool';

type TensorInfo = tf.TensorInfo;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap };
/** Runs one backend kernel inside `scoped`. */
type Op = (name: string, inputs: tf.NamedTensorInfoMap, attrs?: object) => TensorInfo;
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/** Runs one of the wasm backend's own kernels; the caller owns (and disposes) the result. */
function run(backend: BackendWasm, name: string, inputs: tf.NamedTensorInfoMap, attrs: object = {}): TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`the wasm backend has no '${name}' kernel, which the convolution gradients need`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
}

/** Runs the kernels of `body` with a scratch list; every intermediate but the returned one is freed. */
function scoped(backend: BackendWasm, body: (op: Op) => TensorInfo): TensorInfo {
  const scratch: TensorInfo[] = [];
  const op = (name: string, inputs: tf.NamedTensorInfoMap, attrs?: object) => {
    const out = run(backend, name, inputs, attrs);
    scratch.push(out);
    return out;
  };
  const result = body(op);
  for (const t of scratch) if (t !== result) backend.disposeData(t.dataId);
  return result;
}

/** The attributes both convolution gradients take, beside the shape of the side they are not given. */
interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dimRoundingMode: unknown;
  dataFormat: unknown;
}

/** The convolution's geometry (NHWC only), with the short names the gradients' index formulas use. */
function convGeometry(
  xShape: number[],
  filterShape: number[],
  { strides, pad, dimRoundingMode, dataFormat }: ConvAttrs,
) {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(`wasm convolution gradient: dataFormat must be 'NHWC', got '${String(dataFormat)}'`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  return {
    info,
    n: info.batchSize,
    ci: info.inChannels,
    co: info.outChannels,
    ih: info.inHeight,
    iw: info.inWidth,
    oh: info.outHeight,
    ow: info.outWidth,
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
  };
}

type ConvInfo = ReturnType<typeof convGeometry>['info'];

function isPointwise(info: ConvInfo): boolean {
  const p = info.padInfo;
  return (
    info.filterHeight === 1 && info.filterWidth === 1 && p.top === 0 && p.bottom === 0 && p.left === 0 && p.right === 0
  );
}

/**
 * Pads (or, for a negative amount, crops) the spatial dims of an NHWC tensor: `[top, bottom, left, right]`.
 */
function padOrCrop(op: Op, x: TensorInfo, [top, bottom, left, right]: number[]): TensorInfo {
  const [n, h, w, c] = x.shape;
  let out = x;
  if (Math.min(top, bottom, left, right) < 0) {
    const t = Math.max(0, -top),
      l = Math.max(0, -left);
    const size = [n, h - t - Math.max(0, -bottom), w - l - Math.max(0, -right), c];
    out = op('Slice', { x: out }, { begin: [0, t, l, 0], size });
  }
  if (Math.max(top, bottom, left, right) > 0) {
    const paddings = [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ];
    out = op('PadV2', { x: out }, { paddings, constantValue: 0 });
  }
  return out;
}

/** Inserts `sh - 1` zero rows and `sw - 1` zero columns after every row and column: `[N, H*sh, W*sw, C]`. */
function dilate(op: Op, x: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  const x6 = op('Reshape', { x }, { shape: [n, h, 1, w, 1, c] });
  const padded = op(
    'PadV2',
    { x: x6 },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  return op('Reshape', { x: padded }, { shape: [n, h * sh, w * sw, c] });
}

/** dW[kh, kw, ci, co] = sum over n, oh, ow of x[n, oh*s + kh - padTop, ow*s + kw - padLeft, ci] * dy[n, oh, ow, co]. */
export function conv2dBackpropFilterWasm({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const conv = attrs as unknown as ConvAttrs & { filterShape: number[] };
  const { info, n, ci, co, ih, iw, oh, ow, kh, kw, sh, sw } = convGeometry(x.shape, conv.filterShape, conv);
  return scoped(backend as BackendWasm, (op) => {
    if (isPointwise(info)) {
      // A strided 1x1 conv sees every s-th pixel: dW = x_s^T dy, a [Ci, N*OH*OW] x [N*OH*OW, Co] product.
      const xs =
        sh === 1 && sw === 1
          ? x
          : op(
              'StridedSlice',
              { x },
              {
                begin: [0, 0, 0, 0],
                end: [n, oh * sh, ow * sw, ci],
                strides: [1, sh, sw, 1],
                beginMask: 0,
                endMask: 0,
                ellipsisMask: 0,
                newAxisMask: 0,
                shrinkAxisMask: 0,
              },
            );
      const xt = op('Transpose', { x: op('Reshape', { x: xs }, { shape: [n * oh * ow, ci] }) }, { perm: [1, 0] });
      const a = op('Reshape', { x: xt }, { shape: [1, ci, n * oh * ow] });
      const b = op('Reshape', { x: dy }, { shape: [1, n * oh * ow, co] });
      const prod = op('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
      return op('Reshape', { x: prod }, { shape: [1, 1, ci, co] });
    }
    // As a forward conv: the input with channels as batch [Ci, Hp, Wp, N], the output gradient as the
    // filter [OH, OW, N, Co] dilated by the stride; its valid output is [Ci, KH, KW, Co].
    const p = info.padInfo;
    const needH = (oh - 1) * sh + kh,
      needW = (ow - 1) * sw + kw;
    const xp = padOrCrop(op, x, [p.top, needH - p.top - ih, p.left, needW - p.left - iw]);
    const xt = op('Transpose', { x: xp }, { perm: [3, 1, 2, 0] });
    const dyt = op('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const grad = op(
      'Conv2D',
      { x: xt, filter: dyt },
      { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: [sh, sw] },
    );
    return op('Transpose', { x: grad }, { perm: [1, 2, 0, 3] });
  });
}

/**
 * dx[n, ih, iw, ci] = sum over kh, kw, co of dy[n, oh, ow, co] * W[kh, kw, ci, co] where ih = oh*s + kh - padTop.
 * The rows n of a batch are independent: on more than one thread, the dense pool takes a share of them.
 */
export function conv2dBackpropInputWasm(args: KernelArgs): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as { inputShape: number[] };
  const pool = densePool();
  const rows = dy.shape[0];
  if (!pool || rows < pool.threads) return conv2dBackpropInputRows(args);
  const forRows = (n: number) => ({ ...args.attrs, inputShape: [n, ...attrs.inputShape.slice(1)] });
  return pool.splitBatch(
    args.backend as never,
    'Conv2DBackpropInput',
    ['dy', dy],
    { filter },
    forRows,
    attrs.inputShape,
    (n) =>
      scoped(args.backend as BackendWasm, (op) => {
        const part = op('Slice', { x: dy }, { begin: [0, 0, 0, 0], size: [n, ...dy.shape.slice(1)] });
        return conv2dBackpropInputRows({
          inputs: { dy: part, filter },
          backend: args.backend,
          attrs: forRows(n) as unknown as tf.NamedAttrMap,
        });
      }),
  );
}

/**
 * The input gradient on this thread. Input row i receives dy[o] * W[k] wherever o * s + k = i + padTop, so
 * the rows with (i + padTop) mod s = r (a phase) see only the taps k = r, r + s, ...: each phase is one
 * stride-1 convolution of dy with those taps, flipped, and the phases interleave into dx. No multiply meets
 * a zero of a stride-dilated dy; at stride 1 it is a single convolution with the flipped filter.
 */
function conv2dBackpropInputRows({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const conv = attrs as unknown as ConvAttrs & { inputShape: number[] };
  const { info, n, ci, co, ih, iw, oh, ow, kh, kw, sh, sw } = convGeometry(conv.inputShape, filter.shape, conv);
  return scoped(backend as BackendWasm, (op) => {
    if (isPointwise(info)) {
      // dx_s = dy W^T at the sampled pixels, zero elsewhere.
      const a = op('Reshape', { x: dy }, { shape: [1, n * oh * ow, co] });
      const wt = op('Transpose', { x: op('Reshape', { x: filter }, { shape: [ci, co] }) }, { perm: [1, 0] });
      const w = op('Reshape', { x: wt }, { shape: [1, co, ci] });
      const prod = op('BatchMatMul', { a, b: w }, { transposeA: false, transposeB: false });
      const dxs = op('Reshape', { x: prod }, { shape: [n, oh, ow, ci] });
      const spread = dilate(op, dxs, sh, sw);
      return padOrCrop(op, spread, [0, ih - oh * sh, 0, iw - ow * sw]);
    }
    const rows = phaseRange(info.padInfo.top, ih, sh, kh),
      cols = phaseRange(info.padInfo.left, iw, sw, kw);
    // phases[r][c]: dx at the rows of phase r and the columns of phase c, [N, rows.count, cols.count, Ci].
    const phases = rows.taps.map((th, r) =>
      cols.taps.map((tw, c) => {
        // A filter smaller than its stride never reaches these pixels.
        if (th === 0 || tw === 0)
          return op('Fill', {}, { shape: [n, rows.count, cols.count, ci], value: 0, dtype: 'float32' });
        const taps = op(
          'StridedSlice',
          { x: filter },
          {
            begin: [r, c, 0, 0],
            end: [kh, kw, ci, co],
            strides: [sh, sw, 1, 1],
            beginMask: 0,
            endMask: 0,
            ellipsisMask: 0,
            newAxisMask: 0,
            shrinkAxisMask: 0,
          },
        );
        const flipped = op('Reverse', { x: taps }, { dims: [0, 1] });
        const swapped = op('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] }); // [th, tw, Co, Ci]
        const top = th - 1 - rows.first,
          left = tw - 1 - cols.first;
        return convPadded(op, dy, swapped, [top, rows.count + rows.first - oh, left, cols.count + cols.first - ow]);
      }),
    );
    const grid = interleave(op, phases, [n, rows.count * sh, cols.count * sw, ci]);
    return padOrCrop(op, grid, [
      -rows.offset,
      ih + rows.offset - rows.count * sh,
      -cols.offset,
      iw + cols.offset - cols.count * sw,
    ]);
  });
}

/**
 * One spatial axis of the phase split, for `size` input pixels, `padStart` zeros before them, stride `s` and
 * `k` taps: each phase r computes the grid rows q in [first, first + count), padded input positions q * s + r;
 * `offset` is where input pixel 0 falls in the interleaved grid; taps[r] = ceil((k - r) / s).
 */
function phaseRange(padStart: number, size: number, s: number, k: number) {
  const first = Math.floor(padStart / s);
  return {
    first,
    count: Math.ceil((padStart + size) / s) - first,
    offset: padStart - first * s,
    taps: Array.from({ length: s }, (_, r) => Math.max(0, Math.ceil((k - r) / s))),
  };
}

/** A stride-1 convolution of `x` padded (or, for a negative amount, cropped) by `[top, bottom, left, right]`. */
function convPadded(op: Op, x: TensorInfo, filter: TensorInfo, [top, bottom, left, right]: number[]): TensorInfo {
  const cropped = padOrCrop(op, x, [Math.min(0, top), Math.min(0, bottom), Math.min(0, left), Math.min(0, right)]);
  const explicit = [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ];
  return op('Conv2D', { x: cropped, filter }, { strides: 1, pad: explicit, dataFormat: 'NHWC', dilations: 1 });
}

/** The grid `shape` [N, Q*sh, P*sw, C] whose pixel (q*sh + r, p*sw + c) is pixel (q, p) of `phases[r][c]`. */
function interleave(op: Op, phases: TensorInfo[][], shape: number[]): TensorInfo {
  if (phases.length === 1 && phases[0].length === 1) return phases[0][0];
  const concat = (parts: TensorInfo[], axis: number) =>
    parts.length === 1 ? parts[0] : op('Concat', parts as unknown as tf.NamedTensorInfoMap, { axis });
  const rowsOf = phases.map((row) =>
    concat(
      row.map((p) => op('Reshape', { x: p }, { shape: [p.shape[0], p.shape[1], 1, p.shape[2], 1, p.shape[3]] })),
      4,
    ),
  );
  return op('Reshape', { x: concat(rowsOf, 2) }, { shape });
}

/** The wasm backend's own BatchMatMul, kept when the wrapper below replaces it. */
let wasmBatchMatMul: tf.KernelConfig | undefined;

/** `BatchMatMul` with transposeA/transposeB done as explicit transposes of the last two dims. */
export function batchMatMulWasm({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  const matMul = wasmBatchMatMul!.kernelFunc;
  const plain = { transposeA: false, transposeB: false };
  if (!transposeA && !transposeB) return matMul({ inputs: { a, b }, backend, attrs: plain }) as TensorInfo;
  return scoped(backend as BackendWasm, (op) => {
    const swapLast = (t: TensorInfo) => {
      const perm = t.shape.map((_, i) => i);
      [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
      return op('Transpose', { x: t }, { perm });
    };
    return matMul({
      inputs: { a: transposeA ? swapLast(a) : a, b: transposeB ? swapLast(b) : b },
      backend,
      attrs: plain,
    }) as TensorInfo;
  });
}

/** `Identity` without a copy: the output shares the input's buffer, which gains a reference. */
export function identityWasm({ inputs, backend }: KernelArgs): TensorInfo {
  const { x } = inputs as { x: TensorInfo };
  (backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Registers these kernels for the wasm backend (idempotent). */
export function registerWasmKernels(): void {
  const own = tf.getKernel('BatchMatMul', 'wasm');
  if (own && own.kernelFunc !== (batchMatMulWasm as unknown)) wasmBatchMatMul = own;
  if (!wasmBatchMatMul) throw new Error("the wasm backend has no 'BatchMatMul' kernel to wrap");
  for (const [kernelName, kernelFunc] of [
    ['Conv2DBackpropFilter', conv2dBackpropFilterWasm],
    ['Conv2DBackpropInput', conv2dBackpropInputWasm],
    ['BatchMatMul', batchMatMulWasm],
    ['Identity', identityWasm],
  ] as const) {
    const current = tf.getKernel(kernelName, 'wasm');
    if (current?.kernelFunc === (kernelFunc as unknown)) continue;
    if (current) tf.unregisterKernel(kernelName, 'wasm');
    // setupFunc binds the wasm function of the original kernel at backend init; the wrapper needs it too.
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
      setupFunc: kernelName === 'BatchMatMul' ? wasmBatchMatMul.setupFunc : undefined,
    });
  }
}
