// The codec's public names: spike tensors to bytes on the wire and back, and the errors a link adds.
export type { SpikeValues } from './spikes';
export { packBits, unpackBits, packedByteLength } from './bitpack';
export { entropyEncode, entropyDecode, entropyCodingStats, binaryEntropyBits } from './entropy';
export type { EntropyCodingStats } from './entropy';
export { crc32 } from './crc32';
export {
  encodeFrame,
  decodeFrame,
  readFrameMeta,
  FrameError,
  FRAME_MAGIC,
  FRAME_VERSION,
  FRAME_MAX_ELEMENTS,
} from './frame';
export type { FrameMeta, FrameCoding, FrameField, DecodedFrame } from './frame';
export { flipBits, dropFrames } from './channel';
export type { FlippedBytes } from './channel';
