/**
 * What makes a network spiking or not: the normalisation after each conv and the activation after it.
 * One ResNet builder takes a kit, so the spiking ResNet (tdBN + LIF) and BottleNet++'s DNN ResNet
 * (BatchNorm + ReLU) share every line of structure.
 */
import { LifParams, lifParams, LIF } from '../snn/lif';
import { Module } from '../snn/module';
import { TdBN } from '../snn/tdbn';
import { ReLU } from './relu';

export interface NeuronKit {
  readonly spiking: boolean;
  /** Prefix of activation names: `RB1.lif1` or `RB1.relu1`. */
  readonly act: 'lif' | 'relu';
  /** The normalisation of `channels`; `alpha` is 1/sqrt(2) on the two branches of a residual addition. */
  norm(name: string, channels: number, alpha?: number): Module;
  activation(name: string): Module;
}

export interface KitOptions {
  /** LIF parameters (spiking kit only); tdBN uses the same Vth. */
  readonly lif?: Partial<LifParams>;
  /** Running-statistics momentum of tdBN/BN. */
  readonly momentum?: number;
}

export function spikingKit({ lif = {}, momentum }: KitOptions = {}): NeuronKit {
  const params = lifParams(lif);
  return {
    spiking: true,
    act: 'lif',
    norm: (name, channels, alpha = 1) => new TdBN(name, channels, { alpha, vth: params.vth, momentum }),
    activation: (name) => new LIF(name, params),
  };
}

/** BatchNorm (tdBN with alpha * Vth = 1, gamma starting at 1) and ReLU. */
export function dnnKit({ momentum }: KitOptions = {}): NeuronKit {
  return {
    spiking: false,
    act: 'relu',
    norm: (name, channels) => new TdBN(name, channels, { alpha: 1, vth: 1, momentum }),
    activation: (name) => new ReLU(name),
  };
}
