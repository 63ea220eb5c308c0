/**
 * SpikeBottleNet's Table 3 as printed (ResNet-50 on CIFAR-100, split points RB1..RB16, Table 1's split points):
 * the device's cumulative compute energy per image up to each split point, in mJ, and the ratios
 * BottleNet++ / SpikeBottleNet. Typed from the paper's text (`../shared/papers/spikebottlenet.txt`, Table 3,
 * printed in section 4.2 just before 4.3 "Theoretical Energy Efficiency Estimation"; the text has no page
 * numbers). Energies are printed to 2 decimals on 45 nm and 3 on ROLLS, ratios to 2.
 *
 * `energyReport` recomputes every row (test/energy/table3.test.ts): the BottleNet++ row from the real DNN
 * ResNet-50's MACs, the SpikeBottleNet rows from the firing rates behind them (spikebottlenet-rates.ts).
 */
import { PAPER_TABLE1_PRINTED } from '../bottleneck/paper-table1';

export const PAPER_TABLE3_PRINTED = {
  splitPoints: PAPER_TABLE1_PRINTED.splitPoints,
  /** "32 bit-FP [10]: MAC 4.6pJ, AC 0.9 pJ": BottleNet++ (the DNN ResNet-50's MACs). */
  bottleNetPP45nmMJ: [0.27, 0.6, 0.93, 1.33, 1.66, 1.99, 2.32, 2.72, 3.05, 3.38, 3.7, 4.03, 4.36, 4.77, 5.09, 5.42],
  /** SpikeBottleNet's SyOPs at 0.9 pJ each (an AC). */
  spikeBottleNet45nmMJ: [0.15, 0.1, 0.15, 0.23, 0.26, 0.29, 0.31, 0.72, 0.39, 0.42, 0.46, 0.5, 0.99, 0.57, 1.13, 1.05],
  /** BottleNet++ / SpikeBottleNet, both on 45 nm. */
  ratio45nm: [1.84, 6.09, 6.17, 5.82, 6.34, 6.84, 7.4, 3.76, 7.77, 7.95, 8.0, 8.11, 4.42, 8.42, 4.52, 5.18],
  /** "ROLLS chip [14]: 77fJ per SyOPs": SpikeBottleNet's SyOPs on ROLLS. */
  spikeBottleNetRollsMJ: [
    0.013, 0.008, 0.013, 0.02, 0.022, 0.025, 0.027, 0.062, 0.034, 0.036, 0.04, 0.043, 0.084, 0.048, 0.096, 0.09,
  ],
  /** BottleNet++ on 45 nm / SpikeBottleNet on ROLLS. */
  ratioRolls: [
    21.5, 71.17, 72.06, 68.04, 74.06, 79.95, 86.5, 43.93, 90.85, 92.88, 93.49, 94.8, 51.64, 98.42, 52.83, 60.54,
  ],
} as const;
