export * from './feed-source';
export * from './errors';
export * from './file/binary-file-source';
export * from './feed-url';
export * from './feed-log';
