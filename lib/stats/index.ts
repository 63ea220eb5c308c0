export * from './interval';
export * from './wilson';
export * from './mcnemar';
export * from './bootstrap';
export * from './paired-bootstrap';
export * from './correctness';
export * from './paired-drop';
export * from './uncertainty';
