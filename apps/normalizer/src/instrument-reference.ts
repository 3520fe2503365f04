import type { Instrument as BookInstrument } from '@tickwire/book';
import type { Instrument as InstrumentReference } from '@tickwire/protocol';

const YES = 0x59; // 'Y'
const INVERSE = 0x31; // '1'

/** An ITCH alpha field (char codes) as a string, right-trimmed: ITCH pads with spaces, and a lone space means "not available". */
function alpha(...codes: number[]): string {
  return String.fromCharCode(...codes.filter((code) => code !== 0)).trimEnd();
}

/**
 * The reference data published on `md.instrument.<shard>` for an instrument listed by a Stock Directory
 * ('R') message, from what the book kept of it. Allocates: once per 'R', never per order event.
 */
export function instrumentReference(instrument: BookInstrument, shard: number): InstrumentReference {
  return {
    symbol: instrument.symbol,
    locate: instrument.locate,
    marketCategory: alpha(instrument.marketCategory),
    financialStatus: alpha(instrument.financialStatus),
    roundLotSize: instrument.roundLotSize,
    roundLotsOnly: instrument.roundLotsOnly === YES,
    issueClassification: alpha(instrument.issueClassification),
    issueSubType: alpha(instrument.issueSubType >>> 8, instrument.issueSubType & 0xff),
    etp: instrument.etpFlag === YES,
    etpLeverageFactor: instrument.etpLeverageFactor,
    inverse: instrument.inverseIndicator === INVERSE,
    shard,
  };
}
