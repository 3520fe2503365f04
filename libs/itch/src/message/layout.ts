/**
 * ITCH 5.0 message layouts, transcribed once from `shared/reference/itch50.md` §3 (the source of truth).
 * Everything else that needs sizes or offsets (lengths table, allocating decoder, test generators) derives
 * from this table; the hot-path view and the encoder hard-code the same offsets and are checked against it.
 */

/** Wire kinds. Integers are big-endian and unsigned. */
export type FieldKind =
  /** One ASCII byte, decoded as a one-character string. */
  | 'char'
  /** Left-justified ASCII right-padded with spaces (MPID, Reason, IssueSubType). */
  | 'alpha'
  /** The 8-byte Stock alpha field. */
  | 'stock'
  | 'u32'
  /** u64; decoded as a JS number (exact below 2^53). */
  | 'u64'
  /** Price(4): u32 with 4 implied decimals, kept as the raw integer. */
  | 'price4'
  /** Price(8): u64 with 8 implied decimals, kept as the raw integer (a JS number, exact below 2^53). */
  | 'price8';

export interface FieldLayout {
  readonly name: string;
  /** Offset from the start of the message (the type byte is offset 0; body fields start at 11). */
  readonly offset: number;
  readonly size: number;
  readonly kind: FieldKind;
}

export interface MessageLayout {
  /** The message type character, e.g. `'A'`. */
  readonly type: string;
  readonly name: string;
  /** Total length including the type byte (what BinaryFILE / MoldUDP64 length prefixes carry). */
  readonly length: number;
  /** Body fields after the 11-byte common header, in wire order. */
  readonly fields: readonly FieldLayout[];
}

/** Length of the common header: type(1) · stockLocate(2) · trackingNumber(2) · timestamp(6). */
export const HEADER_LENGTH = 11;
/** Longest ITCH 5.0 message ('I', NOII). */
export const MAX_MESSAGE_LENGTH = 50;
/** Price(4) spec maximum, 200,000.0000 (the encoder accepts the full u32 wire range; see encode.ts). */
export const PRICE4_SPEC_MAX = 2_000_000_000;

type FieldSpec = readonly [name: string, kind: FieldKind, size?: number];

const SIZES: Record<FieldKind, number> = { char: 1, alpha: 0, stock: 8, u32: 4, u64: 8, price4: 4, price8: 8 };

function layout(type: string, name: string, length: number, specs: readonly FieldSpec[]): MessageLayout {
  let offset = HEADER_LENGTH;
  const fields: FieldLayout[] = [];
  for (const [fieldName, kind, size] of specs) {
    const width = size ?? SIZES[kind];
    fields.push(Object.freeze({ name: fieldName, offset, size: width, kind }));
    offset += width;
  }
  if (offset !== length) throw new Error(`layout ${type}: fields end at ${offset}, length is ${length}`);
  return Object.freeze({ type, name, length, fields: Object.freeze(fields) });
}

/** All 23 ITCH 5.0 message layouts, in the order of the reference table. */
export const MESSAGE_LAYOUTS: readonly MessageLayout[] = Object.freeze([
  layout('S', 'SystemEvent', 12, [['eventCode', 'char']]),
  layout('R', 'StockDirectory', 39, [
    ['stock', 'stock'],
    ['marketCategory', 'char'],
    ['financialStatusIndicator', 'char'],
    ['roundLotSize', 'u32'],
    ['roundLotsOnly', 'char'],
    ['issueClassification', 'char'],
    ['issueSubType', 'alpha', 2],
    ['authenticity', 'char'],
    ['shortSaleThresholdIndicator', 'char'],
    ['ipoFlag', 'char'],
    ['luldReferencePriceTier', 'char'],
    ['etpFlag', 'char'],
    ['etpLeverageFactor', 'u32'],
    ['inverseIndicator', 'char'],
  ]),
  layout('H', 'StockTradingAction', 25, [
    ['stock', 'stock'],
    ['tradingState', 'char'],
    ['reserved', 'char'],
    ['reason', 'alpha', 4],
  ]),
  layout('Y', 'RegShoRestriction', 20, [
    ['stock', 'stock'],
    ['regShoAction', 'char'],
  ]),
  layout('L', 'MarketParticipantPosition', 26, [
    ['mpid', 'alpha', 4],
    ['stock', 'stock'],
    ['primaryMarketMaker', 'char'],
    ['marketMakerMode', 'char'],
    ['marketParticipantState', 'char'],
  ]),
  layout('V', 'MwcbDeclineLevel', 35, [
    ['level1', 'price8'],
    ['level2', 'price8'],
    ['level3', 'price8'],
  ]),
  layout('W', 'MwcbStatus', 12, [['breachedLevel', 'char']]),
  layout('K', 'IpoQuotingPeriodUpdate', 28, [
    ['stock', 'stock'],
    ['ipoQuotationReleaseTime', 'u32'],
    ['ipoQuotationReleaseQualifier', 'char'],
    ['ipoPrice', 'price4'],
  ]),
  layout('J', 'LuldAuctionCollar', 35, [
    ['stock', 'stock'],
    ['auctionCollarReferencePrice', 'price4'],
    ['upperAuctionCollarPrice', 'price4'],
    ['lowerAuctionCollarPrice', 'price4'],
    ['auctionCollarExtension', 'u32'],
  ]),
  layout('h', 'OperationalHalt', 21, [
    ['stock', 'stock'],
    ['marketCode', 'char'],
    ['operationalHaltAction', 'char'],
  ]),
  layout('A', 'AddOrder', 36, [
    ['orderRef', 'u64'],
    ['side', 'char'],
    ['shares', 'u32'],
    ['stock', 'stock'],
    ['price', 'price4'],
  ]),
  layout('F', 'AddOrderMpid', 40, [
    ['orderRef', 'u64'],
    ['side', 'char'],
    ['shares', 'u32'],
    ['stock', 'stock'],
    ['price', 'price4'],
    ['attribution', 'alpha', 4],
  ]),
  layout('E', 'OrderExecuted', 31, [
    ['orderRef', 'u64'],
    ['executedShares', 'u32'],
    ['matchNumber', 'u64'],
  ]),
  layout('C', 'OrderExecutedWithPrice', 36, [
    ['orderRef', 'u64'],
    ['executedShares', 'u32'],
    ['matchNumber', 'u64'],
    ['printable', 'char'],
    ['executionPrice', 'price4'],
  ]),
  layout('X', 'OrderCancel', 23, [
    ['orderRef', 'u64'],
    ['canceledShares', 'u32'],
  ]),
  layout('D', 'OrderDelete', 19, [['orderRef', 'u64']]),
  layout('U', 'OrderReplace', 35, [
    ['originalOrderRef', 'u64'],
    ['newOrderRef', 'u64'],
    ['shares', 'u32'],
    ['price', 'price4'],
  ]),
  layout('P', 'Trade', 44, [
    ['orderRef', 'u64'],
    ['side', 'char'],
    ['shares', 'u32'],
    ['stock', 'stock'],
    ['price', 'price4'],
    ['matchNumber', 'u64'],
  ]),
  layout('Q', 'CrossTrade', 40, [
    ['shares', 'u64'],
    ['stock', 'stock'],
    ['crossPrice', 'price4'],
    ['matchNumber', 'u64'],
    ['crossType', 'char'],
  ]),
  layout('B', 'BrokenTrade', 19, [['matchNumber', 'u64']]),
  layout('I', 'Noii', 50, [
    ['pairedShares', 'u64'],
    ['imbalanceShares', 'u64'],
    ['imbalanceDirection', 'char'],
    ['stock', 'stock'],
    ['farPrice', 'price4'],
    ['nearPrice', 'price4'],
    ['currentReferencePrice', 'price4'],
    ['crossType', 'char'],
    ['priceVariationIndicator', 'char'],
  ]),
  layout('N', 'RetailPriceImprovement', 20, [
    ['stock', 'stock'],
    ['interestFlag', 'char'],
  ]),
  layout('O', 'DlcrPriceDiscovery', 48, [
    ['stock', 'stock'],
    ['openEligibilityStatus', 'char'],
    ['minimumAllowablePrice', 'price4'],
    ['maximumAllowablePrice', 'price4'],
    ['nearExecutionPrice', 'price4'],
    ['nearExecutionTime', 'u64'],
    ['lowerPriceRangeCollar', 'price4'],
    ['upperPriceRangeCollar', 'price4'],
  ]),
]);

/** Layout by type char code (undefined for unknown types). 256 entries. */
export const LAYOUT_BY_CODE: readonly (MessageLayout | undefined)[] = (() => {
  const table = new Array<MessageLayout | undefined>(256).fill(undefined);
  for (const l of MESSAGE_LAYOUTS) table[l.type.charCodeAt(0)] = l;
  return Object.freeze(table);
})();

/**
 * Total message length by type char code: `MESSAGE_LENGTHS[0x41] === 36` ('A'); 0 for unknown types.
 * A 256-entry table so a framer can size or validate a message with one load.
 */
export const MESSAGE_LENGTHS: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (const l of MESSAGE_LAYOUTS) table[l.type.charCodeAt(0)] = l.length;
  return table;
})();

/** Expected total length for a type (char code or one-character string); 0 when the type is unknown. */
export function expectedLength(type: number | string): number {
  const code = typeof type === 'string' ? (type.length === 1 ? type.charCodeAt(0) : -1) : type;
  return (code & 0xff) === code ? MESSAGE_LENGTHS[code] : 0;
}
