/**
 * The firing rates behind SpikeBottleNet's Table 3 (ResNet-50, CIFAR-100), derived from the printed numbers,
 * for reproducing its SpikeBottleNet rows (45 nm: x 0.9 pJ per SyOP; ROLLS: x 77 fJ).
 *
 * What the numbers show:
 * - Every split point is its own trained network (SpikeBottleNet trains one per split point) with its own T,
 *   Table 1's "Time Step" row: RB1..RB16 = 4 2 2 2 2 2 2 4 2 2 2 2 4 2 4 4. Its SNN energy is
 *   SyOPs_k x E with SyOPs_k = fr_k x T_k x MACs_k, MACs_k the cumulative MACs of the residual blocks' convs
 *   through RB k (the same counts as the BottleNet++ row: RB1 58.72 M ... RB16 1178.6 M) and fr_k the
 *   MAC-weighted mean input firing rate of that network's device part.
 * - T is included, and it is Table 1's: at RB1 (T = 4) fr = 0.69; with T = 2 it would be 1.39 and without T
 *   2.78, both impossible rates. With Table 1's T the rates fall smoothly with depth (0.69 -> 0.25); with T = 4
 *   everywhere they would jump (RB7 0.17, RB8 0.34).
 * - Per-block rates of one network cannot produce the row: it is not a running sum. RB16 (1.05 mJ) is below
 *   RB15 (1.13 mJ) at the same T = 4, and RB2 (0.10) below RB1 (0.15). So one rate per split point is all the
 *   table determines, and it is given here per split point.
 *
 * Derivation: each split point's SyOPs appear in four printed numbers: the 45 nm energy (2 decimals, mJ), its
 * ratio to BottleNet++ (2 decimals), the ROLLS energy (3 decimals) and its ratio (2 decimals). Each bounds
 * SyOPs to an interval (a ratio r with BottleNet++'s exact energy E_DNN = MACs_k x 4.6 pJ gives
 * E_DNN / (r +- 0.005)); the four intervals intersect at every split point, the ROLLS ratio being the tightest
 * (about 1e-4 relative). The rate is a 4-decimal value inside fr_k = SyOPs_k / (T_k x MACs_k) for the whole
 * intersection. E.g. RB1: the ROLLS ratio 21.50 gives SyOPs in [163.12, 163.20] M, / (4 x 58,720,256) =
 * [0.69449, 0.69482] -> 0.6946.
 */
import { SplitPointFiringRates } from './firing-rates';

export const SPIKEBOTTLENET_TABLE3_FIRING_RATES: SplitPointFiringRates = {
  per: 'splitPoint',
  rates: {
    RB1: 0.6946,
    RB2: 0.4197,
    RB3: 0.4145,
    RB4: 0.439,
    RB5: 0.4033,
    RB6: 0.3736,
    RB7: 0.3453,
    RB8: 0.34,
    RB9: 0.3288,
    RB10: 0.3216,
    RB11: 0.3195,
    RB12: 0.3151,
    RB13: 0.2892,
    RB14: 0.3035,
    RB15: 0.2827,
    RB16: 0.2467,
  },
  T: {
    RB1: 4,
    RB2: 2,
    RB3: 2,
    RB4: 2,
    RB5: 2,
    RB6: 2,
    RB7: 2,
    RB8: 4,
    RB9: 2,
    RB10: 2,
    RB11: 2,
    RB12: 2,
    RB13: 4,
    RB14: 2,
    RB15: 4,
    RB16: 4,
  },
};
