// Event streams: the AEDAT 2.0 (CIFAR10-DVS) and ATIS (N-Caltech101) formats, frame integration, DVS emulation.
export type { EventStream } from './stream';
export * from './aedat2';
export * from './atis-bin';
export * from './frames';
export * from './dvs-pixel';
export * from './trajectory';
export * from './dvs-emulator';
