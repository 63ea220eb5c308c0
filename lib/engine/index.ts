export * from './threads';
export * from './engine';
export * from './pool';
export * from './spike-conv';
export * from './lif-kernels';
export * from './channel-kernels';
export * from './optimizer-kernels';
