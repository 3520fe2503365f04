export * from './errors';
export * from './message';
export * from './binaryfile';
export * from './soupbintcp';
export * from './moldudp64';
export * from './pcap';
