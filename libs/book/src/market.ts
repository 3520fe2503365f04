/** System Event ('S') codes as char codes. */
export const SystemEventCode = {
  START_OF_MESSAGES: 0x4f, // 'O'
  START_OF_SYSTEM_HOURS: 0x53, // 'S'
  START_OF_MARKET_HOURS: 0x51, // 'Q'
  END_OF_MARKET_HOURS: 0x4d, // 'M'
  END_OF_SYSTEM_HOURS: 0x45, // 'E'
  END_OF_MESSAGES: 0x43, // 'C'
} as const;

/**
 * Session phase, from the System Events seen. `UNKNOWN` (no System Event yet, e.g. a feed joined mid-day)
 * is treated as the regular session for OHLC.
 */
export const MarketPhase = {
  UNKNOWN: 0,
  /** After 'O' or 'S', before 'Q'. */
  PRE_MARKET: 1,
  /** After 'Q', before 'M'. */
  REGULAR: 2,
  /** After 'M', before 'E'. */
  POST_MARKET: 3,
  /** After 'E' or 'C'. */
  CLOSED: 4,
} as const;
export type MarketPhaseCode = (typeof MarketPhase)[keyof typeof MarketPhase];

/** Market-wide state: System Events ('S') and Market-Wide Circuit Breakers ('V', 'W'). */
export class Market {
  phase: MarketPhaseCode = MarketPhase.UNKNOWN;
  /** Char code of the last System Event, 0 before any. */
  lastEventCode = 0;
  /** Timestamp (ns since midnight) of the last System Event, -1 before any. */
  lastEventNs = -1;
  /** Timestamp of each System Event by char code, -1 when not seen. */
  readonly eventTimesNs = new Float64Array(128).fill(-1);
  /** MWCB decline levels ('V'), Price(8) raw; 0 until sent. */
  mwcbLevel1 = 0;
  mwcbLevel2 = 0;
  mwcbLevel3 = 0;
  /** MWCB breached level ('W'): char code '1'/'2'/'3', 0 when none. */
  mwcbBreachedLevel = 0;

  /** True while prints count toward session OHLC: regular hours, or no System Event seen. */
  get isRegularSession(): boolean {
    return this.phase === MarketPhase.REGULAR || this.phase === MarketPhase.UNKNOWN;
  }

  /** Applies a System Event; returns whether anything changed. Unknown codes are stored but move no phase. */
  systemEvent(code: number, timestampNs: number): boolean {
    this.lastEventCode = code;
    this.lastEventNs = timestampNs;
    if (code < 128) this.eventTimesNs[code] = timestampNs;
    switch (code) {
      case SystemEventCode.START_OF_MESSAGES:
      case SystemEventCode.START_OF_SYSTEM_HOURS:
        this.phase = MarketPhase.PRE_MARKET;
        break;
      case SystemEventCode.START_OF_MARKET_HOURS:
        this.phase = MarketPhase.REGULAR;
        break;
      case SystemEventCode.END_OF_MARKET_HOURS:
        this.phase = MarketPhase.POST_MARKET;
        break;
      case SystemEventCode.END_OF_SYSTEM_HOURS:
      case SystemEventCode.END_OF_MESSAGES:
        this.phase = MarketPhase.CLOSED;
        break;
      default:
        break;
    }
    return true;
  }

  reset(): void {
    this.phase = MarketPhase.UNKNOWN;
    this.lastEventCode = 0;
    this.lastEventNs = -1;
    this.eventTimesNs.fill(-1);
    this.mwcbLevel1 = 0;
    this.mwcbLevel2 = 0;
    this.mwcbLevel3 = 0;
    this.mwcbBreachedLevel = 0;
  }
}
