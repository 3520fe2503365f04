export * from './packet';
export * from './packet-builder';
export * from './retransmit-store';
export * from './sequence-ranges';
export * from './sequencer';
