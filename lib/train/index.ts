export * from './optimizer';
export * from './schedule';
export * from './source';
export * from './evaluate';
export * from './checkpoint';
export * from './step';
export * from './trainer';
export * from './replicas';
