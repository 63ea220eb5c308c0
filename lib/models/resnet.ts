/**
 * ResNets for 32x32 inputs (torchvision's resnet.py, CIFAR stem: 3x3 conv, stride 1, no max pool), built by one
 * builder from a `NeuronKit`: spiking (tdBN + LIF) or DNN (BatchNorm + ReLU, BottleNet++'s baseline).
 *
 * Residual order: the standard spiking ResNet of Zheng et al. (tdBN), as torchvision with LIF for ReLU:
 *   out = act(norm3(conv3(...)) + shortcut(x)),
 * the last neuron after the addition. SpikeBottleNet's blocks are "CONV-tdBN-LIF three times" and transmit
 * RB16's output as 4x4x2048 one-bit spikes per step (131,072 bits at T = 4), so a block's output must be
 * binary: SEW ResNet's spike + spike (values 0..2) and MS-ResNet's membrane shortcut are not; SEW's IAND join
 * is, and makes `sew-resnet50` (residual.ts says why it is here). tdBN's alpha is 1/sqrt(2) on the two branches
 * that meet in the addition (norm3 and the shortcut's norm), 1 elsewhere.
 * Downsampling blocks put the stride on the 3x3 conv (torchvision v1.5; the paper's Table 3 MACs need it)
 * and use a 1x1 conv + norm shortcut wherever the shape changes.
 *
 * Split points are the residual blocks, numbered through the network: `RB1`..`RB8` (ResNet-18),
 * `RB1`..`RB16` (ResNet-50, the paper's numbering).
 */
import * as tf from '@tensorflow/tfjs-core';
import { directEncoder } from '../snn/encoding';
import { Module, Run, Sequential } from '../snn/module';
import { Rng } from '../util/rng';
import { SplitBackbone, BackboneStage } from './backbone';
import { Classifier } from './classifier';
import { Conv2d } from './conv';
import { dnnKit, NeuronKit, spikingKit } from './kit';
import { BackboneOptions, scaledWidth } from './options';
import { joinResidual, residualAlpha, ResidualKind, shortcutSpikes } from './residual';
import { residentBlocks, residentInference, type ResidualParts } from './resident-block';

interface BlockArgs {
  readonly inPlanes: number;
  readonly planes: number;
  readonly stride: number;
  readonly kit: NeuronKit;
  readonly residual: ResidualKind;
  readonly rng: Rng;
}

interface BlockType {
  /** Output channels = planes * expansion. */
  readonly expansion: number;
  new (name: string, args: BlockArgs): ResidualBlock;
}

/** 1x1 conv with the block's stride + norm (+ LIF for SEW), where the identity would not fit. */
function shortcut(
  name: string,
  inPlanes: number,
  outPlanes: number,
  { stride, kit, residual, rng }: BlockArgs,
): Module | null {
  if (stride === 1 && inPlanes === outPlanes) return null;
  return new Sequential(`${name}.shortcut`, [
    new Conv2d(`${name}.shortcut.conv`, {
      inChannels: inPlanes,
      outChannels: outPlanes,
      kernel: 1,
      stride,
      role: 'shortcut',
      spikes: kit.spiking,
      rng,
    }),
    kit.norm(`${name}.shortcut.bn`, outPlanes, residualAlpha(residual)),
    ...(shortcutSpikes(residual) ? [kit.activation(`${name}.shortcut.${kit.act}`)] : []),
  ]);
}

/**
 * What both blocks are: a branch (convs, norms and activations, ending in the norm before the join), a
 * shortcut (null: the identity), the join and the activation after it. In inference on the engine the whole
 * block runs as one op with its activations resident in the engine's memory (resident-block.ts).
 */
abstract class ResidualBlock extends Module implements ResidualParts {
  abstract readonly branch: readonly Module[];
  abstract readonly shortcut: Module | null;
  abstract readonly residual: ResidualKind;
  /** The activation after the join. */
  abstract readonly last: Module;

  forward(x: tf.Tensor, run: Run): tf.Tensor {
    return tf.tidy(() => {
      if (residentInference(run)) {
        const out = residentBlocks([this], x, run);
        if (out) return out;
      }
      const identity = this.shortcut ? this.shortcut.forward(x, run) : x;
      const out = this.branch.reduce((h, m) => m.forward(h, run), x);
      return joinResidual(this.residual, out, identity, this.last, this.name, run);
    });
  }
}

/** Two 3x3 convs (ResNet-18/34). */
export class BasicBlock extends ResidualBlock {
  static readonly expansion = 1;
  readonly conv1: Conv2d;
  readonly bn1: Module;
  readonly act1: Module;
  readonly conv2: Conv2d;
  readonly bn2: Module;
  readonly shortcut: Module | null;
  readonly act2: Module;
  readonly residual: ResidualKind;
  readonly branch: readonly Module[];
  readonly last: Module;

  constructor(name: string, args: BlockArgs) {
    super(name);
    const { inPlanes, planes, stride, kit, rng } = args;
    this.residual = args.residual;
    const role = 'block';
    const spikes = kit.spiking; // every block conv reads the spikes of a LIF (or of the block before)
    this.conv1 = this.child(
      new Conv2d(`${name}.conv1`, { inChannels: inPlanes, outChannels: planes, kernel: 3, stride, role, spikes, rng }),
    );
    this.bn1 = this.child(kit.norm(`${name}.bn1`, planes));
    this.act1 = this.child(kit.activation(`${name}.${kit.act}1`));
    this.conv2 = this.child(
      new Conv2d(`${name}.conv2`, { inChannels: planes, outChannels: planes, kernel: 3, role, spikes, rng }),
    );
    this.bn2 = this.child(kit.norm(`${name}.bn2`, planes, residualAlpha(this.residual)));
    const sc = shortcut(name, inPlanes, planes, args);
    this.shortcut = sc && this.child(sc);
    this.act2 = this.child(kit.activation(`${name}.${kit.act}2`));
    this.branch = [this.conv1, this.bn1, this.act1, this.conv2, this.bn2];
    this.last = this.act2;
  }

  outShape(inShape: readonly number[]): number[] {
    return this.conv2.outShape(this.conv1.outShape(inShape));
  }
}

/** 1x1 reduce, 3x3 (with the stride), 1x1 expand by 4 (ResNet-50). */
export class Bottleneck extends ResidualBlock {
  static readonly expansion = 4;
  readonly conv1: Conv2d;
  readonly bn1: Module;
  readonly act1: Module;
  readonly conv2: Conv2d;
  readonly bn2: Module;
  readonly act2: Module;
  readonly conv3: Conv2d;
  readonly bn3: Module;
  readonly shortcut: Module | null;
  readonly act3: Module;
  readonly residual: ResidualKind;
  readonly branch: readonly Module[];
  readonly last: Module;

  constructor(name: string, args: BlockArgs) {
    super(name);
    const { inPlanes, planes, stride, kit, rng } = args;
    this.residual = args.residual;
    const role = 'block';
    const spikes = kit.spiking;
    const outPlanes = planes * Bottleneck.expansion;
    this.conv1 = this.child(
      new Conv2d(`${name}.conv1`, { inChannels: inPlanes, outChannels: planes, kernel: 1, role, spikes, rng }),
    );
    this.bn1 = this.child(kit.norm(`${name}.bn1`, planes));
    this.act1 = this.child(kit.activation(`${name}.${kit.act}1`));
    this.conv2 = this.child(
      new Conv2d(`${name}.conv2`, { inChannels: planes, outChannels: planes, kernel: 3, stride, role, spikes, rng }),
    );
    this.bn2 = this.child(kit.norm(`${name}.bn2`, planes));
    this.act2 = this.child(kit.activation(`${name}.${kit.act}2`));
    this.conv3 = this.child(
      new Conv2d(`${name}.conv3`, { inChannels: planes, outChannels: outPlanes, kernel: 1, role, spikes, rng }),
    );
    this.bn3 = this.child(kit.norm(`${name}.bn3`, outPlanes, residualAlpha(this.residual)));
    const sc = shortcut(name, inPlanes, outPlanes, args);
    this.shortcut = sc && this.child(sc);
    this.act3 = this.child(kit.activation(`${name}.${kit.act}3`));
    this.branch = [this.conv1, this.bn1, this.act1, this.conv2, this.bn2, this.act2, this.conv3, this.bn3];
    this.last = this.act3;
  }

  outShape(inShape: readonly number[]): number[] {
    return this.conv3.outShape(this.conv2.outShape(this.conv1.outShape(inShape)));
  }
}

/**
 * torchvision's `_make_layer`: `count` blocks of `planes`, the first with `stride` (and a projection shortcut
 * when the shape changes), named `RB<firstIndex>`, `RB<firstIndex + 1>`, ...
 */
function makeLayer(
  block: BlockType,
  firstIndex: number,
  inPlanes: number,
  planes: number,
  count: number,
  stride: number,
  net: Pick<BlockArgs, 'kit' | 'residual' | 'rng'>,
): BackboneStage[] {
  const stages: BackboneStage[] = [];
  for (let i = 0; i < count; i++) {
    const name = `RB${firstIndex + i}`;
    const args = {
      ...net,
      inPlanes: i === 0 ? inPlanes : planes * block.expansion,
      planes,
      stride: i === 0 ? stride : 1,
    };
    const module = new block(name, args);
    stages.push({ name, module, block: module });
  }
  return stages;
}

function resnet(
  name: string,
  block: BlockType,
  layers: number[],
  kit: NeuronKit,
  T: number,
  o: BackboneOptions,
  residual: ResidualKind = 'standard',
): SplitBackbone {
  const rng = new Rng(o.seed ?? 0);
  const inputShape = o.inputShape ?? [32, 32, 3];
  const [w1, w2, w3, w4] = [64, 128, 256, 512].map((c) => scaledWidth(c, o.width ?? 1));
  const stem = new Sequential('stem', [
    new Conv2d('stem.conv', {
      inChannels: inputShape[2],
      outChannels: w1,
      kernel: 3,
      stride: o.stemStride ?? 1,
      role: 'stem',
      rng,
    }),
    kit.norm('stem.bn', w1),
    kit.activation(`stem.${kit.act}`),
  ]);
  const e = block.expansion;
  const net = { kit, residual, rng };
  const stages = [
    ...makeLayer(block, 1, w1, w1, layers[0], 1, net),
    ...makeLayer(block, 1 + layers[0], w1 * e, w2, layers[1], 2, net),
    ...makeLayer(block, 1 + layers[0] + layers[1], w2 * e, w3, layers[2], 2, net),
    ...makeLayer(block, 1 + layers[0] + layers[1] + layers[2], w3 * e, w4, layers[3], 2, net),
  ];
  const classifier = new Classifier('fc', w4 * e, o.classes ?? 10, rng);
  return new SplitBackbone({
    name,
    T,
    spiking: kit.spiking,
    inputShape,
    encoder: o.encoder ?? directEncoder(),
    stem,
    stages,
    classifier,
  });
}

/** Spiking ResNet-18: BasicBlocks [2, 2, 2, 2], split points RB1..RB8; RB8 is 4x4x512 per step. */
export function spikingResNet18(o: BackboneOptions = {}): SplitBackbone {
  return resnet('resnet18', BasicBlock, [2, 2, 2, 2], spikingKit(o), o.T ?? 4, o);
}

/** Spiking ResNet-50: Bottlenecks [3, 4, 6, 3], split points RB1..RB16; RB16 is 4x4x2048 per step. */
export function spikingResNet50(o: BackboneOptions = {}): SplitBackbone {
  return resnet('resnet50', Bottleneck, [3, 4, 6, 3], spikingKit(o), o.T ?? 4, o);
}

/** A DNN ResNet (BatchNorm + ReLU, no time steps, the standard join): the backbone BottleNet++ splits. */
function dnnResNet(name: string, block: BlockType, layers: number[], o: BackboneOptions): SplitBackbone {
  if (o.T !== undefined && o.T !== 1) throw new RangeError(`${name} has no time steps: T must be 1, got ${o.T}`);
  if (o.lif) throw new RangeError(`${name} has no LIF neurons: drop the lif option`);
  return resnet(name, block, layers, dnnKit(o), 1, o);
}

/** Spiking ResNet-50 whose blocks join branch and shortcut by SEW's IAND (residual.ts); same shapes and split points. */
export function sewResNet50(o: BackboneOptions = {}): SplitBackbone {
  return resnet('sew-resnet50', Bottleneck, [3, 4, 6, 3], spikingKit(o), o.T ?? 4, o, 'sew-iand');
}

/** BottleNet++'s DNN ResNet-50 (BatchNorm + ReLU), same structure and split point names; T must be 1. */
export function dnnResNet50(o: BackboneOptions = {}): SplitBackbone {
  return dnnResNet('resnet50-dnn', Bottleneck, [3, 4, 6, 3], o);
}

/** The DNN twin of the spiking ResNet-18, for the BottleNet++ comparison at the same split shapes. */
export function dnnResNet18(o: BackboneOptions = {}): SplitBackbone {
  return dnnResNet('resnet18-dnn', BasicBlock, [2, 2, 2, 2], o);
}
