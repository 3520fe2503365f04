/**
 * Plain-object ITCH 5.0 messages, as produced by `decodeMessage` and consumed by `encodeMessage`.
 *
 * Conventions (one for every type):
 * - `type` is the message type character; it discriminates the union.
 * - one-byte enumerations (`side`, `printable`, `crossType`, ...) are one-character strings, kept verbatim
 *   (no enum validation: Nasdaq adds values over time);
 * - alpha fields (`stock`, `mpid`, `attribution`, `reason`, `issueSubType`) are strings with trailing spaces
 *   trimmed (leading spaces kept); the encoder pads them back;
 * - prices are the raw wire integers: Price(4) has 4 implied decimals (`1234500` = 123.4500), Price(8) 8;
 * - u64 fields (order refs, match numbers, Q shares, I paired/imbalance shares, V levels, O near execution
 *   time) are `number`s, exact below 2^53 (`Number.MAX_SAFE_INTEGER`). Real values are far below that (refs
 *   and match numbers are day-scoped counters < 2^40); above it the decoded number is the nearest double,
 *   and the encoder rejects it. Callers that need exact 64-bit values read `ItchMessageView.orderRefHi/Lo`
 *   (and the other `*Hi/*Lo` getters) instead. We chose `number` over `bigint` everywhere for one
 *   consistent, allocation-free representation.
 * - `timestampNs` is nanoseconds since midnight (48-bit, always exact).
 */
interface Header<T extends string> {
  readonly type: T;
  readonly stockLocate: number;
  readonly trackingNumber: number;
  readonly timestampNs: number;
}

export interface SystemEventMessage extends Header<'S'> {
  readonly eventCode: string;
}

export interface StockDirectoryMessage extends Header<'R'> {
  readonly stock: string;
  readonly marketCategory: string;
  readonly financialStatusIndicator: string;
  readonly roundLotSize: number;
  readonly roundLotsOnly: string;
  readonly issueClassification: string;
  readonly issueSubType: string;
  readonly authenticity: string;
  readonly shortSaleThresholdIndicator: string;
  readonly ipoFlag: string;
  readonly luldReferencePriceTier: string;
  readonly etpFlag: string;
  readonly etpLeverageFactor: number;
  readonly inverseIndicator: string;
}

export interface StockTradingActionMessage extends Header<'H'> {
  readonly stock: string;
  readonly tradingState: string;
  readonly reserved: string;
  readonly reason: string;
}

export interface RegShoRestrictionMessage extends Header<'Y'> {
  readonly stock: string;
  readonly regShoAction: string;
}

export interface MarketParticipantPositionMessage extends Header<'L'> {
  readonly mpid: string;
  readonly stock: string;
  readonly primaryMarketMaker: string;
  readonly marketMakerMode: string;
  readonly marketParticipantState: string;
}

export interface MwcbDeclineLevelMessage extends Header<'V'> {
  readonly level1: number;
  readonly level2: number;
  readonly level3: number;
}

export interface MwcbStatusMessage extends Header<'W'> {
  readonly breachedLevel: string;
}

export interface IpoQuotingPeriodUpdateMessage extends Header<'K'> {
  readonly stock: string;
  readonly ipoQuotationReleaseTime: number;
  readonly ipoQuotationReleaseQualifier: string;
  readonly ipoPrice: number;
}

export interface LuldAuctionCollarMessage extends Header<'J'> {
  readonly stock: string;
  readonly auctionCollarReferencePrice: number;
  readonly upperAuctionCollarPrice: number;
  readonly lowerAuctionCollarPrice: number;
  readonly auctionCollarExtension: number;
}

export interface OperationalHaltMessage extends Header<'h'> {
  readonly stock: string;
  readonly marketCode: string;
  readonly operationalHaltAction: string;
}

export interface AddOrderMessage extends Header<'A'> {
  readonly orderRef: number;
  readonly side: string;
  readonly shares: number;
  readonly stock: string;
  readonly price: number;
}

export interface AddOrderMpidMessage extends Header<'F'> {
  readonly orderRef: number;
  readonly side: string;
  readonly shares: number;
  readonly stock: string;
  readonly price: number;
  readonly attribution: string;
}

export interface OrderExecutedMessage extends Header<'E'> {
  readonly orderRef: number;
  readonly executedShares: number;
  readonly matchNumber: number;
}

export interface OrderExecutedWithPriceMessage extends Header<'C'> {
  readonly orderRef: number;
  readonly executedShares: number;
  readonly matchNumber: number;
  readonly printable: string;
  readonly executionPrice: number;
}

export interface OrderCancelMessage extends Header<'X'> {
  readonly orderRef: number;
  readonly canceledShares: number;
}

export interface OrderDeleteMessage extends Header<'D'> {
  readonly orderRef: number;
}

export interface OrderReplaceMessage extends Header<'U'> {
  readonly originalOrderRef: number;
  readonly newOrderRef: number;
  readonly shares: number;
  readonly price: number;
}

export interface TradeMessage extends Header<'P'> {
  readonly orderRef: number;
  readonly side: string;
  readonly shares: number;
  readonly stock: string;
  readonly price: number;
  readonly matchNumber: number;
}

export interface CrossTradeMessage extends Header<'Q'> {
  /** u64 on the wire. */
  readonly shares: number;
  readonly stock: string;
  readonly crossPrice: number;
  readonly matchNumber: number;
  readonly crossType: string;
}

export interface BrokenTradeMessage extends Header<'B'> {
  readonly matchNumber: number;
}

export interface NoiiMessage extends Header<'I'> {
  readonly pairedShares: number;
  readonly imbalanceShares: number;
  readonly imbalanceDirection: string;
  readonly stock: string;
  readonly farPrice: number;
  readonly nearPrice: number;
  readonly currentReferencePrice: number;
  readonly crossType: string;
  readonly priceVariationIndicator: string;
}

export interface RetailPriceImprovementMessage extends Header<'N'> {
  readonly stock: string;
  readonly interestFlag: string;
}

export interface DlcrPriceDiscoveryMessage extends Header<'O'> {
  readonly stock: string;
  readonly openEligibilityStatus: string;
  readonly minimumAllowablePrice: number;
  readonly maximumAllowablePrice: number;
  readonly nearExecutionPrice: number;
  readonly nearExecutionTime: number;
  readonly lowerPriceRangeCollar: number;
  readonly upperPriceRangeCollar: number;
}

/** Any ITCH 5.0 message; narrow on `type`. */
export type ItchMessage =
  | SystemEventMessage
  | StockDirectoryMessage
  | StockTradingActionMessage
  | RegShoRestrictionMessage
  | MarketParticipantPositionMessage
  | MwcbDeclineLevelMessage
  | MwcbStatusMessage
  | IpoQuotingPeriodUpdateMessage
  | LuldAuctionCollarMessage
  | OperationalHaltMessage
  | AddOrderMessage
  | AddOrderMpidMessage
  | OrderExecutedMessage
  | OrderExecutedWithPriceMessage
  | OrderCancelMessage
  | OrderDeleteMessage
  | OrderReplaceMessage
  | TradeMessage
  | CrossTradeMessage
  | BrokenTradeMessage
  | NoiiMessage
  | RetailPriceImprovementMessage
  | DlcrPriceDiscoveryMessage;

/** The message type characters. */
export type ItchMessageType = ItchMessage['type'];
