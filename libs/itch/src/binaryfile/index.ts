export { BinaryFileFramer, BinaryFileState } from './framer';
export type { BinaryFileEndOfSessionHandler, BinaryFileErrorHandler, BinaryFileMessageHandler, BinaryFileStateCode } from './framer';
export { BinaryFileWriter } from './writer';
