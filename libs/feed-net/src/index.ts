export * from './feed-source';
export * from './errors';
export * from './feed-log';
export * from './feed-url';
export * from './file/binary-file-source';
export * from './moldudp64';
export * from './pcap';
export * from './soupbintcp';
