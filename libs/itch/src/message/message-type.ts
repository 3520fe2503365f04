/**
 * ITCH 5.0 message type char codes (the byte at offset 0), for `switch (view.type)` on the hot path
 * without creating strings.
 */
export const MessageType = {
  SystemEvent: 0x53, // 'S'
  StockDirectory: 0x52, // 'R'
  StockTradingAction: 0x48, // 'H'
  RegShoRestriction: 0x59, // 'Y'
  MarketParticipantPosition: 0x4c, // 'L'
  MwcbDeclineLevel: 0x56, // 'V'
  MwcbStatus: 0x57, // 'W'
  IpoQuotingPeriodUpdate: 0x4b, // 'K'
  LuldAuctionCollar: 0x4a, // 'J'
  OperationalHalt: 0x68, // 'h'
  AddOrder: 0x41, // 'A'
  AddOrderMpid: 0x46, // 'F'
  OrderExecuted: 0x45, // 'E'
  OrderExecutedWithPrice: 0x43, // 'C'
  OrderCancel: 0x58, // 'X'
  OrderDelete: 0x44, // 'D'
  OrderReplace: 0x55, // 'U'
  Trade: 0x50, // 'P'
  CrossTrade: 0x51, // 'Q'
  BrokenTrade: 0x42, // 'B'
  Noii: 0x49, // 'I'
  RetailPriceImprovement: 0x4e, // 'N'
  DlcrPriceDiscovery: 0x4f, // 'O'
} as const;

export type MessageTypeCode = (typeof MessageType)[keyof typeof MessageType];

/** Side char codes carried by 'A', 'F', 'P'. */
export const SIDE_BUY = 0x42; // 'B'
export const SIDE_SELL = 0x53; // 'S'
