// The bottleneck's public names: the unit between device and server, the joint model, its partition, frames
// of what is sent, bit errors on the link, and bit accounting (with the paper's Table 1).
export { UniformQuantizer, MAX_BIT_WIDTH } from './quantize';
export { codesToBits, bitsToCodes } from './code-bits';
export { reduction, reducedSizes } from './reduction';
export type { Reduction } from './reduction';
export { Sigmoid } from './sigmoid';
export { BottleneckUnit } from './unit';
export type { BottleneckConfig, BottleneckUnitOptions } from './unit';
export { BottleneckedModel, insertBottleneck } from './bottlenecked-model';
export { split, DevicePart, ServerPart } from './partition';
export { deviceEncode, encodeSent, sentFrameMeta, serverDecode, serverForward, erasedFrame } from './feature-frame';
export type { FramedPart } from './feature-frame';
export { sendOverNoisyLink, CORRUPT_FRAME_POLICIES } from './noisy-link';
export type { CorruptFramePolicy, NoisyLinkOptions, Reception } from './noisy-link';
export { transmissionBits, modelSplitShapes } from './bits';
export type { TransmissionConfig, TransmissionBits, ModelSplitShapes } from './bits';
export { PAPER_TABLE1_PRINTED, PAPER_TABLE1_CONFIGS, PAPER_TABLE1_BIT_WIDTH } from './paper-table1';
export type { PaperTable1Config } from './paper-table1';
