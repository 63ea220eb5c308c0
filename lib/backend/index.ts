export * from './backend';
export * from './wasm-kernels';
export * from './throughput';
