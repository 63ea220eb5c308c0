/**
 * `npm run bench -- engine [--rounds=3] [--reps=2] [--threads=1,2] [--cases=conv,train_r18,infer_r18_b1,...]`:
 * the spike engine against the peer (PyTorch, `bench/peer.ts`) in the same invocation, at the same shapes, T
 * and thread counts. Rows:
 * - one 3x3 convolution `[T*B=128, 32, 32, 64 -> 64]` on binary input at firing rates 0.05, 0.1, 0.2, 0.4:
 *   tfjs's dense convolution (XNNPACK, one thread), the spike kernel, and PyTorch's F.conv2d;
 * - spiking ResNet-18 inference at T = 4, batch 1 (the edge device's latency) and batch 32;
 * - spiking ResNet-50 forward at T = 4, batch 8;
 * - spiking ResNet-18 training step at T = 4, batch 32 in one pass (forward, backward, SGD), with peak RSS: on
 *   more than one thread the batch is split between data-parallel replicas, as `train` does with `replicas`;
 * each at 1 thread and at all threads (`SPIKESPLIT_THREADS`, else every core). Width 1, 32x32 inputs drawn
 * uniformly in [0, 1), fresh weights (seed 0), as the peer's. Fresh running statistics (mean 0, variance 1)
 * leave a fresh network almost silent in inference mode (0.001% of neurons fire), which would time an empty
 * network: the inference models are built with tdBN momentum 1, and one training-mode pass over the input
 * (no weight update) sets their running statistics to the batch's, as a trained network's are; they then
 * fire at about 19% (a trained SNN's rates are 10-20%). The firing rate printed is the one our network
 * fired at (spikes over neurons x T, all LIF layers) in this run. Each case runs `--rounds` rounds after one
 * warm-up; a round times `--reps` runs of ours, then of the peer's, at each thread count in turn (the engine
 * switches thread counts without new workers), so a machine whose speed drifts moves both sides of a ratio
 * alike. Ratios are ours / the peer's, the median over rounds with the lowest and highest: below 1 we are
 * faster (the peer's dense kernels cost the same at any firing rate). `speedupOver1` is the median over
 * rounds of our one-thread time over this thread count's.
 */
import * as os from 'os';
import * as tf from '@tensorflow/tfjs-core';
import {
  createModel,
  engineThreads,
  FiringRateMonitor,
  initBackend,
  spikeConv2d,
  train as training,
  useEngineThreads,
  type SplittableModel,
} from 'spikesplit';
import { peerConv, peerNetworks, peerUnavailable, type PeerRow } from './peer';
import { printTable, writeResult, type Row } from './report';

const T = 4;
const CONV_SHAPE = [128, 32, 32, 64, 64]; // N (= T*B), H, W, Cin, Cout
const CONV_RATES = [0.05, 0.1, 0.2, 0.4];
const NETWORK_CASES = ['train_r18', 'infer_r18_b1', 'infer_r18_b32', 'infer_r50_b8'] as const;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median ms of `reps` runs of `fn`. */
function timeMs(fn: () => void, reps: number): number {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

/**
 * One measured configuration (a case at a thread count) over the rounds: our median ms and the peer's in
 * each round, measured one right after the other, so that a machine whose speed drifts between rounds (a
 * shared host: the same convolution was seen 30% apart minutes apart) moves both sides of a ratio alike.
 */
class Samples {
  readonly ours: number[] = [];
  readonly peer: (number | null)[] = [];

  add(ours: number, peer: number | null): void {
    this.ours.push(ours);
    this.peer.push(peer);
  }

  /** Our median ms, the peer's, and the median, lowest and highest over rounds of their ratio. */
  row(): Row {
    const ratios = this.ours.flatMap((o, i) => (this.peer[i] === null ? [] : [o / this.peer[i]!]));
    const peers = this.peer.filter((p): p is number => p !== null);
    return {
      oursMs: median(this.ours),
      peerMs: peers.length ? median(peers) : null,
      ratio: ratios.length ? median(ratios) : null,
      ratioLow: ratios.length ? Math.min(...ratios) : null,
      ratioHigh: ratios.length ? Math.max(...ratios) : null,
    };
  }

  /** The median over rounds of `one`'s ms over ours, round by round: the speed-up over one thread. */
  speedupOver(one: Samples): number {
    return median(this.ours.map((o, i) => one.ours[i] / o));
  }
}

function binary(shape: number[], rate: number, seed: number): tf.Tensor4D {
  return tf.tidy(() =>
    tf.cast(tf.less(tf.randomUniform(shape, 0, 1, 'float32', seed), rate), 'float32'),
  ) as tf.Tensor4D;
}

/** Spikes over neurons x T of all LIF layers in one forward pass of `x`, in the mode that is timed. */
function firingRate(model: SplittableModel, x: tf.Tensor, training: boolean): number {
  const monitor = new FiringRateMonitor();
  tf.tidy(() => {
    model.forward(x, { observer: monitor, training });
  });
  const rates = monitor.read();
  monitor.clear();
  const spikes = rates.reduce((a, r) => a + r.spikes, 0);
  const slots = rates.reduce((a, r) => a + r.neurons * r.T * r.samples, 0);
  return spikes / slots;
}

/**
 * SGD steps on batch `x` in a single pass, as `train` runs them: on one thread the library's `trainStep`, on
 * more the batch split between that many data-parallel replicas (lib/train/replicas.ts), started on first use.
 */
function trainer(model: SplittableModel, recipe: training.ModelRecipe, x: tf.Tensor, labels: tf.Tensor1D) {
  const optimizer = training.createOptimizer({ kind: 'sgd', momentum: 0, weightDecay: 0 }, model.namedVariables());
  const steppers = new Map<number, training.BatchStepper>();
  const stepperAt = (threads: number) => {
    if (!steppers.has(threads)) {
      const replicas = { recipe, count: threads };
      steppers.set(threads, training.batchStepper(model, model.trainableVariables(), optimizer, replicas, x.shape[0]));
    }
    return steppers.get(threads)!;
  };
  return {
    step: (threads: number) => void stepperAt(threads).step(x, labels, 0.01),
    async close() {
      await Promise.all([...steppers.values()].map((s) => s.close()));
      optimizer.dispose();
    },
  };
}

interface Network {
  model: SplittableModel;
  /** Timed runs per round: at batch 1, 20 at least, as the peer's. */
  reps: number;
  x: tf.Tensor;
  training: boolean;
  /** One timed run at `threads` threads (the engine is already set to them). */
  step: (threads: number) => void;
  close: () => Promise<void>;
}

function network(name: (typeof NETWORK_CASES)[number], reps: number): Network {
  const [kind, arch, b] = name.split('_');
  const batch = b ? Number(b.slice(1)) : 32;
  const momentum = kind === 'train' ? 0.1 : 1; // 1: the calibration pass below sets the running statistics
  const recipe = {
    name: arch === 'r18' ? 'resnet18' : 'resnet50',
    options: { width: 1, T, classes: arch === 'r18' ? 10 : 100, momentum },
  };
  const model = createModel(recipe.name, recipe.options);
  const x = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 1);
  if (kind === 'train') {
    const labels = tf.tensor1d(
      Array.from({ length: batch }, (_, i) => i % 10),
      'int32',
    );
    return { model, x, reps, training: true, ...trainer(model, recipe, x, labels) };
  }
  tf.tidy(() => model.forward(x, { training: true }));
  return {
    model,
    x,
    reps: batch === 1 ? Math.max(reps, 20) : reps,
    training: false,
    step: () => tf.tidy(() => void model.forward(x).dataSync()),
    close: async () => {},
  };
}

export async function main(args: string[]): Promise<void> {
  const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const reps = Number(option('reps') ?? 2);
  const rounds = Number(option('rounds') ?? 3);
  const all = engineThreads();
  const threadCounts = (option('threads') ?? [...new Set([1, all])].join(',')).split(',').map(Number);
  const cases = (option('cases') ?? ['conv', ...NETWORK_CASES].join(',')).split(',');
  const backend = await initBackend(process.env.SPIKESPLIT_BACKEND ? undefined : 'wasm');
  const peerWhy = peerUnavailable();
  console.log(peerWhy ? `peer: not measured: ${peerWhy}` : 'peer: PyTorch, measured in this run');
  const load0 = os.loadavg()[0];
  const rows: Row[] = [];
  const peerMs = (found: PeerRow[], match: (r: PeerRow) => boolean) => found.find(match)?.median_ms ?? null;

  // The training step first, so that the peak RSS read after it is its own.
  for (const name of cases.filter((c) => c !== 'conv') as (typeof NETWORK_CASES)[number][]) {
    if (!NETWORK_CASES.includes(name))
      throw new Error(`unknown case '${name}'; expected conv or one of ${NETWORK_CASES.join(', ')}`);
    const net = network(name, reps);
    const rate = firingRate(net.model, net.x, net.training);
    const samples = new Map(threadCounts.map((t) => [t, new Samples()]));
    for (let round = 0; round < rounds; round++) {
      for (const threads of threadCounts) {
        useEngineThreads(threads);
        if (round === 0) net.step(threads); // warm-up
        const ms = timeMs(() => net.step(threads), net.reps);
        const peer = peerWhy ? null : peerMs(peerNetworks([name], threads, T, 1, reps), () => true);
        samples.get(threads)!.add(ms, peer);
        console.error(JSON.stringify({ case: name, round, threads, oursMs: ms, peerMs: peer }));
      }
    }
    for (const threads of threadCounts) {
      const row: Row = { case: name, threads, ...samples.get(threads)!.row(), firingRate: rate };
      if (threads > 1 && samples.has(1)) row.speedupOver1 = samples.get(threads)!.speedupOver(samples.get(1)!);
      if (name === 'train_r18') row.peakRssMB = process.resourceUsage().maxRSS / 1024;
      rows.push(row);
    }
    await net.close();
    net.model.dispose();
    tf.dispose(net.x);
  }

  if (cases.includes('conv')) {
    const [n, h, w, cin, cout] = CONV_SHAPE;
    const weight = tf.randomNormal([3, 3, cin, cout], 0, 0.1, 'float32', 2) as tf.Tensor4D;
    const inputs = CONV_RATES.map((rate) => binary([n, h, w, cin], rate, 3));
    // tidy must not return the values: it would walk all 8M of them looking for tensors.
    const dense = inputs.map((x) => () => tf.tidy(() => void tf.conv2d(x, weight, 1, 1).dataSync()));
    const spike = inputs.map(
      (x) => () => tf.tidy(() => void spikeConv2d(x, weight, { stride: 1, pad: 1, name: 'bench' }).dataSync()),
    );
    const denseMs = dense.map((fn) => (fn(), timeMs(fn, reps)));
    const samples = CONV_RATES.map(() => new Map(threadCounts.map((t) => [t, new Samples()])));
    for (let round = 0; round < rounds; round++) {
      for (const threads of threadCounts) {
        useEngineThreads(threads);
        const peer = peerWhy ? [] : peerConv(CONV_RATES, threads, CONV_SHAPE, reps);
        CONV_RATES.forEach((rate, i) => {
          if (round === 0) spike[i](); // warm-up
          samples[i].get(threads)!.add(timeMs(spike[i], reps), peerWhy ? null : peerMs(peer, (r) => r.rate === rate));
        });
      }
    }
    for (const threads of threadCounts) {
      CONV_RATES.forEach((_, i) => {
        const row: Row = {
          case: `conv3x3 [${CONV_SHAPE.join(',')}]`,
          threads,
          ...samples[i].get(threads)!.row(),
          firingRate: inputs[i].mean().dataSync()[0],
          denseMs: denseMs[i],
        };
        row.denseOverSpike = denseMs[i] / (row.oursMs as number);
        if (threads > 1 && samples[i].has(1))
          row.speedupOver1 = samples[i].get(threads)!.speedupOver(samples[i].get(1)!);
        rows.push(row);
      });
    }
    tf.dispose([weight, ...inputs]);
  }
  useEngineThreads(all);
  printTable(rows.filter((r) => !('denseMs' in r)));
  printTable(rows.filter((r) => 'denseMs' in r));
  const load1 = os.loadavg()[0];
  console.log(
    `load average (1 min) ${load0.toFixed(2)} at the start, ${load1.toFixed(2)} at the end; ${os.cpus().length} cores, ${os.cpus()[0]?.model}`,
  );
  writeResult('engine', {
    backend,
    T,
    reps,
    rounds,
    threadCounts,
    peer: peerWhy ?? 'PyTorch',
    loadAverage: [load0, load1],
    rows,
  });
}
