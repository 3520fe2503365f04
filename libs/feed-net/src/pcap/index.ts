export * from './capture-format';
export * from './source';
export * from './url';
