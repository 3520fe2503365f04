export * from './udp-frame';
export * from './reader';
export * from './writer';
