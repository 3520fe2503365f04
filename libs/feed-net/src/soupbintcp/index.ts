export * from './backoff';
export * from './feed-server';
export * from './feed-source';
export * from './url';
