/**
 * Operation counting: the MACs of every conv, deconv and linear layer the device runs, grouped by split point
 * and cumulative up to each, from the layer descriptions traced on a real forward pass (`describeLayers`).
 *
 * Which layers count is an option, by role. The default follows SpikeBottleNet section 4.3: only the convs
 * inside the residual blocks ('block'); the image-to-spike stem, the downsampling shortcuts and the device's
 * bottleneck encoder are left out. With it, ResNet-50's cumulative MACs x 4.6 pJ are Table 3's BottleNet++ row.
 * The classifier always runs on the server, so it belongs to no split point and is never counted.
 */
import { LayerRole } from '../snn/module';
import { SplittableModel } from '../models/backbone';
import { describeLayers, LayerDescription } from '../models/describe';

/** Every layer role, with what it is (the record makes the compiler check the list is complete). */
const ROLE_MEANINGS: Readonly<Record<LayerRole, string>> = {
  stem: 'the first conv, fed by the encoded image',
  block: 'a conv inside a residual block (or a VGG stage)',
  shortcut: 'a downsampling shortcut conv',
  classifier: 'the final linear layer (server side)',
  bottleneck: "the bottleneck encoder's layers",
};
export const LAYER_ROLES = Object.keys(ROLE_MEANINGS) as LayerRole[];

/** SpikeBottleNet's choice (section 4.3): the residual blocks' own convs only. */
export const PAPER_COUNTED_ROLES: readonly LayerRole[] = ['block'];

export interface OpCountOptions {
  /** Roles whose layers count; default `PAPER_COUNTED_ROLES`. */
  readonly countedRoles?: readonly LayerRole[];
  /** One input `[H, W, C]`; default the model's. */
  readonly inputShape?: readonly number[];
}

export interface CountedLayer extends LayerDescription {
  /** The device's split point group it runs in. */
  readonly splitPoint: string;
  /** Whether its role is counted. */
  readonly counted: boolean;
}

export interface SplitPointMacs {
  readonly split: string;
  /** MACs per image per step of the counted layers of this split point's group. */
  readonly macs: number;
  /** Of the counted layers from the input through this split point. */
  readonly cumulativeMacs: number;
}

export interface OpCount {
  readonly model: string;
  readonly countedRoles: readonly LayerRole[];
  /** Every weight layer the device can run (all but the classifier), in the order they run. */
  readonly layers: readonly CountedLayer[];
  readonly splitPoints: readonly SplitPointMacs[];
}

/** Checks a list of roles; names the bad entry and the accepted ones. */
export function checkLayerRoles(roles: readonly string[]): LayerRole[] {
  const bad = roles.filter((r) => !(LAYER_ROLES as readonly string[]).includes(r));
  if (bad.length > 0) {
    const accepted = LAYER_ROLES.map((r) => `${r} (${ROLE_MEANINGS[r]})`).join(', ');
    throw new RangeError(
      `counted layer roles: unknown ${bad.map((r) => `'${r}'`).join(', ')}; expected some of ${accepted}`,
    );
  }
  return [...new Set(roles)] as LayerRole[];
}

/** MACs per image per step of `model`'s device-side layers, by layer and by split point. */
export function countOps(model: SplittableModel, options: OpCountOptions = {}): OpCount {
  const countedRoles = checkLayerRoles(options.countedRoles ?? PAPER_COUNTED_ROLES);
  const layers: CountedLayer[] = describeLayers(model, options.inputShape)
    .filter((l): l is LayerDescription & { splitPoint: string } => l.splitPoint !== null)
    .map((l) => ({ ...l, counted: countedRoles.includes(l.role) }));
  let cumulativeMacs = 0;
  const splitPoints = model.splitPoints.map((split) => {
    const macs = layers.filter((l) => l.counted && l.splitPoint === split).reduce((s, l) => s + l.macs, 0);
    cumulativeMacs += macs;
    return { split, macs, cumulativeMacs };
  });
  return { model: model.name, countedRoles, layers, splitPoints };
}
