export * from './label';
export * from './display';
export * from './figure';
export * from './render';
export * from './show';
export * from './table';
