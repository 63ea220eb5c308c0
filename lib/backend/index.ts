export * from './backend';
export * from './wasm-conv-grad';
