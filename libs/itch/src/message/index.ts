export { readU16, readU32, readU48, readU64, writeU16, writeU32, writeU48, writeU64 } from './big-endian';
export {
  CHECK_EMPTY_MESSAGE,
  CHECK_ERROR_CODES,
  CHECK_LENGTH_MISMATCH,
  CHECK_OK,
  CHECK_OUT_OF_BOUNDS,
  CHECK_UNKNOWN_TYPE,
  checkErrorCode,
  checkMessage,
} from './check';
export { decodeMessage } from './decode';
export { StockDirectory } from './directory';
export { encodeMessage, encodeMessageInto } from './encode';
export { expectedLength, HEADER_LENGTH, LAYOUT_BY_CODE, MAX_MESSAGE_LENGTH, MESSAGE_LAYOUTS, MESSAGE_LENGTHS, PRICE4_SPEC_MAX } from './layout';
export type { FieldKind, FieldLayout, MessageLayout } from './layout';
export { MessageType, SIDE_BUY, SIDE_SELL } from './message-type';
export type { MessageTypeCode } from './message-type';
export type * from './types';
export { decodeAlpha, ItchMessageView, packAlpha } from './view';
