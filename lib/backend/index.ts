export * from './backend';
export * from './wasm-kernels';
