/** The backbones by name, as the command line and experiment configs name them. */
import { SplitBackbone } from './backbone';
import { BackboneOptions } from './options';
import { dnnResNet18, dnnResNet50, sewResNet50, spikingResNet18, spikingResNet50 } from './resnet';
import { spikingVGG16 } from './vgg';

export const MODEL_NAMES = ['resnet18', 'resnet50', 'sew-resnet50', 'vgg16', 'resnet50-dnn', 'resnet18-dnn'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

const FACTORIES: Record<ModelName, (o: BackboneOptions) => SplitBackbone> = {
  resnet18: spikingResNet18,
  resnet50: spikingResNet50,
  'sew-resnet50': sewResNet50,
  vgg16: spikingVGG16,
  'resnet50-dnn': dnnResNet50,
  'resnet18-dnn': dnnResNet18,
};

export function createModel(name: string, options: BackboneOptions = {}): SplitBackbone {
  if (!(MODEL_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(`unknown model '${name}'; expected one of ${MODEL_NAMES.join(', ')}`);
  }
  return FACTORIES[name as ModelName](options);
}

/** The DNN backbone with the same split points and shapes that BottleNet++ splits, for a spiking backbone. */
const DNN_TWINS: Partial<Record<ModelName, ModelName>> = {
  resnet18: 'resnet18-dnn',
  resnet50: 'resnet50-dnn',
  'sew-resnet50': 'resnet50-dnn',
};

export function dnnTwin(model: string): ModelName {
  const twin = DNN_TWINS[model as ModelName];
  if (!twin)
    throw new RangeError(
      `no DNN twin of '${model}' for the BottleNet++ comparison; models with one: ${Object.keys(DNN_TWINS).join(', ')}`,
    );
  return twin;
}
