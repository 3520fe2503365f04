export * from './endpoint';
export * from './source';
export * from './publisher';
export * from './url';
