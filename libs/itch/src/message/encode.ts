import { ItchError } from '../errors';
import type { ItchErrorCode } from '../errors';
import { writeU16, writeU32, writeU48, writeU64 } from './big-endian';
import { MESSAGE_LENGTHS } from './layout';
import type {
  AddOrderMessage,
  AddOrderMpidMessage,
  BrokenTradeMessage,
  CrossTradeMessage,
  DlcrPriceDiscoveryMessage,
  IpoQuotingPeriodUpdateMessage,
  ItchMessage,
  LuldAuctionCollarMessage,
  MarketParticipantPositionMessage,
  MwcbDeclineLevelMessage,
  MwcbStatusMessage,
  NoiiMessage,
  OperationalHaltMessage,
  OrderCancelMessage,
  OrderDeleteMessage,
  OrderExecutedMessage,
  OrderExecutedWithPriceMessage,
  OrderReplaceMessage,
  RegShoRestrictionMessage,
  RetailPriceImprovementMessage,
  StockDirectoryMessage,
  StockTradingActionMessage,
  SystemEventMessage,
  TradeMessage,
} from './types';

/*
 * Encoder validation (what is checked, and why):
 * - integers must be integers inside their wire width: u16 (locate, tracking), u48 (timestamp), u32
 *   (shares, Price(4), round lot, ...), u64 as a safe integer (0 .. 2^53 - 1; a JS number above that is
 *   already inexact). Price(4) accepts the full u32 wire range, not just the spec maximum 200,000.0000
 *   (`PRICE4_SPEC_MAX`): the encoder checks representability so every decoded message re-encodes to its
 *   exact bytes; business limits belong to the producer. -> ITCH_ERR_INT_RANGE
 * - alpha fields: printable ASCII (0x20-0x7E), right-padded with spaces, never truncated: a longer value is
 *   an error (ITCH_ERR_SYMBOL_TOO_LONG for Stock, ITCH_ERR_ALPHA_TOO_LONG otherwise); non-ASCII ->
 *   ITCH_ERR_ALPHA_NOT_ASCII. Trailing spaces in a value are indistinguishable from padding.
 * - one-byte enumerations: exactly one printable ASCII character (ITCH_ERR_CHAR_FIELD); the value itself is
 *   not checked against the spec's list, which grows over time.
 * On a throw the target range may be partly written.
 */

function fail(code: ItchErrorCode, field: string, value: unknown): never {
  throw new ItchError(code, `${field}=${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
}

function u16(b: Uint8Array, p: number, v: number, field: string): void {
  if (v >>> 0 !== v || v > 0xffff) fail('ITCH_ERR_INT_RANGE', field, v);
  writeU16(b, p, v);
}

function u32(b: Uint8Array, p: number, v: number, field: string): void {
  if (v >>> 0 !== v) fail('ITCH_ERR_INT_RANGE', field, v);
  writeU32(b, p, v);
}

function u48(b: Uint8Array, p: number, v: number, field: string): void {
  if (!(Number.isInteger(v) && v >= 0 && v < 0x1000000000000)) fail('ITCH_ERR_INT_RANGE', field, v);
  writeU48(b, p, v);
}

function u64(b: Uint8Array, p: number, v: number, field: string): void {
  if (!(Number.isSafeInteger(v) && v >= 0)) fail('ITCH_ERR_INT_RANGE', field, v);
  writeU64(b, p, v);
}

function char(b: Uint8Array, p: number, v: string, field: string): void {
  let c = -1;
  if (typeof v === 'string' && v.length === 1) c = v.charCodeAt(0);
  if (c < 0x20 || c > 0x7e) fail('ITCH_ERR_CHAR_FIELD', field, v);
  b[p] = c;
}

/** Writes `v` left-justified and space-padded into `width` bytes; throws ItchError on invalid values. */
export function writeAlpha(b: Uint8Array, p: number, v: string, width: number, field: string): void {
  if (typeof v !== 'string') fail('ITCH_ERR_ALPHA_NOT_ASCII', field, v);
  const n = v.length;
  if (n > width) fail(width === 8 && field === 'stock' ? 'ITCH_ERR_SYMBOL_TOO_LONG' : 'ITCH_ERR_ALPHA_TOO_LONG', field, v);
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) fail('ITCH_ERR_ALPHA_NOT_ASCII', field, v);
    b[p + i] = c;
  }
  for (let i = n; i < width; i++) b[p + i] = 0x20;
}

function stock(b: Uint8Array, p: number, v: string): void {
  writeAlpha(b, p, v, 8, 'stock');
}

function header(b: Uint8Array, o: number, type: number, m: ItchMessage): void {
  b[o] = type;
  u16(b, o + 1, m.stockLocate, 'stockLocate');
  u16(b, o + 3, m.trackingNumber, 'trackingNumber');
  u48(b, o + 5, m.timestampNs, 'timestampNs');
}

function addOrder(b: Uint8Array, o: number, m: AddOrderMessage | AddOrderMpidMessage | TradeMessage): void {
  u64(b, o + 11, m.orderRef, 'orderRef');
  char(b, o + 19, m.side, 'side');
  u32(b, o + 20, m.shares, 'shares');
  stock(b, o + 24, m.stock);
  u32(b, o + 32, m.price, 'price');
}

function orderDelete(b: Uint8Array, o: number, m: OrderDeleteMessage): void {
  u64(b, o + 11, m.orderRef, 'orderRef');
}

function orderExecuted(b: Uint8Array, o: number, m: OrderExecutedMessage | OrderExecutedWithPriceMessage): void {
  u64(b, o + 11, m.orderRef, 'orderRef');
  u32(b, o + 19, m.executedShares, 'executedShares');
  u64(b, o + 23, m.matchNumber, 'matchNumber');
}

function orderExecutedWithPrice(b: Uint8Array, o: number, m: OrderExecutedWithPriceMessage): void {
  orderExecuted(b, o, m);
  char(b, o + 31, m.printable, 'printable');
  u32(b, o + 32, m.executionPrice, 'executionPrice');
}

function orderCancel(b: Uint8Array, o: number, m: OrderCancelMessage): void {
  u64(b, o + 11, m.orderRef, 'orderRef');
  u32(b, o + 19, m.canceledShares, 'canceledShares');
}

function orderReplace(b: Uint8Array, o: number, m: OrderReplaceMessage): void {
  u64(b, o + 11, m.originalOrderRef, 'originalOrderRef');
  u64(b, o + 19, m.newOrderRef, 'newOrderRef');
  u32(b, o + 27, m.shares, 'shares');
  u32(b, o + 31, m.price, 'price');
}

function trade(b: Uint8Array, o: number, m: TradeMessage): void {
  addOrder(b, o, m);
  u64(b, o + 36, m.matchNumber, 'matchNumber');
}

function systemEvent(b: Uint8Array, o: number, m: SystemEventMessage): void {
  char(b, o + 11, m.eventCode, 'eventCode');
}

function stockDirectory(b: Uint8Array, o: number, m: StockDirectoryMessage): void {
  stock(b, o + 11, m.stock);
  char(b, o + 19, m.marketCategory, 'marketCategory');
  char(b, o + 20, m.financialStatusIndicator, 'financialStatusIndicator');
  u32(b, o + 21, m.roundLotSize, 'roundLotSize');
  char(b, o + 25, m.roundLotsOnly, 'roundLotsOnly');
  char(b, o + 26, m.issueClassification, 'issueClassification');
  writeAlpha(b, o + 27, m.issueSubType, 2, 'issueSubType');
  char(b, o + 29, m.authenticity, 'authenticity');
  char(b, o + 30, m.shortSaleThresholdIndicator, 'shortSaleThresholdIndicator');
  char(b, o + 31, m.ipoFlag, 'ipoFlag');
  char(b, o + 32, m.luldReferencePriceTier, 'luldReferencePriceTier');
  char(b, o + 33, m.etpFlag, 'etpFlag');
  u32(b, o + 34, m.etpLeverageFactor, 'etpLeverageFactor');
  char(b, o + 38, m.inverseIndicator, 'inverseIndicator');
}

function stockTradingAction(b: Uint8Array, o: number, m: StockTradingActionMessage): void {
  stock(b, o + 11, m.stock);
  char(b, o + 19, m.tradingState, 'tradingState');
  char(b, o + 20, m.reserved, 'reserved');
  writeAlpha(b, o + 21, m.reason, 4, 'reason');
}

function regShoRestriction(b: Uint8Array, o: number, m: RegShoRestrictionMessage): void {
  stock(b, o + 11, m.stock);
  char(b, o + 19, m.regShoAction, 'regShoAction');
}

function marketParticipantPosition(b: Uint8Array, o: number, m: MarketParticipantPositionMessage): void {
  writeAlpha(b, o + 11, m.mpid, 4, 'mpid');
  stock(b, o + 15, m.stock);
  char(b, o + 23, m.primaryMarketMaker, 'primaryMarketMaker');
  char(b, o + 24, m.marketMakerMode, 'marketMakerMode');
  char(b, o + 25, m.marketParticipantState, 'marketParticipantState');
}

function mwcbDeclineLevel(b: Uint8Array, o: number, m: MwcbDeclineLevelMessage): void {
  u64(b, o + 11, m.level1, 'level1');
  u64(b, o + 19, m.level2, 'level2');
  u64(b, o + 27, m.level3, 'level3');
}

function mwcbStatus(b: Uint8Array, o: number, m: MwcbStatusMessage): void {
  char(b, o + 11, m.breachedLevel, 'breachedLevel');
}

function ipoQuotingPeriodUpdate(b: Uint8Array, o: number, m: IpoQuotingPeriodUpdateMessage): void {
  stock(b, o + 11, m.stock);
  u32(b, o + 19, m.ipoQuotationReleaseTime, 'ipoQuotationReleaseTime');
  char(b, o + 23, m.ipoQuotationReleaseQualifier, 'ipoQuotationReleaseQualifier');
  u32(b, o + 24, m.ipoPrice, 'ipoPrice');
}

function luldAuctionCollar(b: Uint8Array, o: number, m: LuldAuctionCollarMessage): void {
  stock(b, o + 11, m.stock);
  u32(b, o + 19, m.auctionCollarReferencePrice, 'auctionCollarReferencePrice');
  u32(b, o + 23, m.upperAuctionCollarPrice, 'upperAuctionCollarPrice');
  u32(b, o + 27, m.lowerAuctionCollarPrice, 'lowerAuctionCollarPrice');
  u32(b, o + 31, m.auctionCollarExtension, 'auctionCollarExtension');
}

function operationalHalt(b: Uint8Array, o: number, m: OperationalHaltMessage): void {
  stock(b, o + 11, m.stock);
  char(b, o + 19, m.marketCode, 'marketCode');
  char(b, o + 20, m.operationalHaltAction, 'operationalHaltAction');
}

function crossTrade(b: Uint8Array, o: number, m: CrossTradeMessage): void {
  u64(b, o + 11, m.shares, 'shares');
  stock(b, o + 19, m.stock);
  u32(b, o + 27, m.crossPrice, 'crossPrice');
  u64(b, o + 31, m.matchNumber, 'matchNumber');
  char(b, o + 39, m.crossType, 'crossType');
}

function brokenTrade(b: Uint8Array, o: number, m: BrokenTradeMessage): void {
  u64(b, o + 11, m.matchNumber, 'matchNumber');
}

function noii(b: Uint8Array, o: number, m: NoiiMessage): void {
  u64(b, o + 11, m.pairedShares, 'pairedShares');
  u64(b, o + 19, m.imbalanceShares, 'imbalanceShares');
  char(b, o + 27, m.imbalanceDirection, 'imbalanceDirection');
  stock(b, o + 28, m.stock);
  u32(b, o + 36, m.farPrice, 'farPrice');
  u32(b, o + 40, m.nearPrice, 'nearPrice');
  u32(b, o + 44, m.currentReferencePrice, 'currentReferencePrice');
  char(b, o + 48, m.crossType, 'crossType');
  char(b, o + 49, m.priceVariationIndicator, 'priceVariationIndicator');
}

function retailPriceImprovement(b: Uint8Array, o: number, m: RetailPriceImprovementMessage): void {
  stock(b, o + 11, m.stock);
  char(b, o + 19, m.interestFlag, 'interestFlag');
}

function dlcrPriceDiscovery(b: Uint8Array, o: number, m: DlcrPriceDiscoveryMessage): void {
  stock(b, o + 11, m.stock);
  char(b, o + 19, m.openEligibilityStatus, 'openEligibilityStatus');
  u32(b, o + 20, m.minimumAllowablePrice, 'minimumAllowablePrice');
  u32(b, o + 24, m.maximumAllowablePrice, 'maximumAllowablePrice');
  u32(b, o + 28, m.nearExecutionPrice, 'nearExecutionPrice');
  u64(b, o + 32, m.nearExecutionTime, 'nearExecutionTime');
  u32(b, o + 40, m.lowerPriceRangeCollar, 'lowerPriceRangeCollar');
  u32(b, o + 44, m.upperPriceRangeCollar, 'upperPriceRangeCollar');
}

/**
 * Encodes `msg` into `target` at `offset` without allocating; returns the bytes written (the message's
 * total length). Throws `ItchError` for an unknown type (ITCH_ERR_UNKNOWN_TYPE), a target too small
 * (ITCH_ERR_BUFFER_TOO_SMALL) or an invalid field (see the rules at the top of this file).
 */
export function encodeMessageInto(msg: ItchMessage, target: Uint8Array, offset: number): number {
  const t = msg.type;
  const code = typeof t === 'string' && t.length === 1 ? t.charCodeAt(0) : 0;
  const length = MESSAGE_LENGTHS[code];
  if (length === 0) fail('ITCH_ERR_UNKNOWN_TYPE', 'type', t);
  if (offset >>> 0 !== offset || offset + length > target.length) fail('ITCH_ERR_BUFFER_TOO_SMALL', 'offset', offset);
  header(target, offset, code, msg);
  switch (msg.type) {
    case 'A':
    case 'F':
      addOrder(target, offset, msg);
      if (msg.type === 'F') writeAlpha(target, offset + 36, msg.attribution, 4, 'attribution');
      break;
    case 'D':
      orderDelete(target, offset, msg);
      break;
    case 'E':
      orderExecuted(target, offset, msg);
      break;
    case 'X':
      orderCancel(target, offset, msg);
      break;
    case 'U':
      orderReplace(target, offset, msg);
      break;
    case 'P':
      trade(target, offset, msg);
      break;
    case 'C':
      orderExecutedWithPrice(target, offset, msg);
      break;
    case 'S':
      systemEvent(target, offset, msg);
      break;
    case 'R':
      stockDirectory(target, offset, msg);
      break;
    case 'H':
      stockTradingAction(target, offset, msg);
      break;
    case 'Y':
      regShoRestriction(target, offset, msg);
      break;
    case 'L':
      marketParticipantPosition(target, offset, msg);
      break;
    case 'V':
      mwcbDeclineLevel(target, offset, msg);
      break;
    case 'W':
      mwcbStatus(target, offset, msg);
      break;
    case 'K':
      ipoQuotingPeriodUpdate(target, offset, msg);
      break;
    case 'J':
      luldAuctionCollar(target, offset, msg);
      break;
    case 'h':
      operationalHalt(target, offset, msg);
      break;
    case 'Q':
      crossTrade(target, offset, msg);
      break;
    case 'B':
      brokenTrade(target, offset, msg);
      break;
    case 'I':
      noii(target, offset, msg);
      break;
    case 'N':
      retailPriceImprovement(target, offset, msg);
      break;
    case 'O':
      dlcrPriceDiscovery(target, offset, msg);
      break;
  }
  return length;
}

/** Encodes `msg` into a new `Uint8Array` of exactly its length. Throws like `encodeMessageInto`. */
export function encodeMessage(msg: ItchMessage): Uint8Array {
  const t = msg.type;
  const length = MESSAGE_LENGTHS[typeof t === 'string' && t.length === 1 ? t.charCodeAt(0) : 0];
  if (length === 0) fail('ITCH_ERR_UNKNOWN_TYPE', 'type', t);
  const out = new Uint8Array(length);
  encodeMessageInto(msg, out, 0);
  return out;
}
