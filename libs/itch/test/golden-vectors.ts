// Byte-level golden vectors computed by hand (Python `struct.pack('>...')`) from the reference table in
// shared/reference/itch50.md §3, independently of this lib's encoder and layout table.
import type { ItchMessage } from '../src/message/types';

export const T930 = 34_200_000_000_000; // 09:30:00 in ns = 0x1F1ACED9F000

export const GOLDEN: readonly { readonly message: ItchMessage; readonly hex: string }[] = [
  {
    message: { type: 'A', stockLocate: 1, trackingNumber: 2, timestampNs: T930, orderRef: 4328719365, side: 'B', shares: 100, stock: 'AAPL', price: 1234500 },
    hex: '41 0001 0002 1f1aced9f000 0000000102030405 42 00000064 4141504c20202020 0012d644',
  },
  {
    message: { type: 'E', stockLocate: 1, trackingNumber: 3, timestampNs: T930 + 1, orderRef: 4328719365, executedShares: 50, matchNumber: 2 ** 40 + 7 },
    hex: '45 0001 0003 1f1aced9f001 0000000102030405 00000032 0000010000000007',
  },
  {
    message: { type: 'U', stockLocate: 7, trackingNumber: 0, timestampNs: T930 + 2, originalOrderRef: 1, newOrderRef: 2, shares: 300, price: 1 },
    hex: '55 0007 0000 1f1aced9f002 0000000000000001 0000000000000002 0000012c 00000001',
  },
  {
    message: { type: 'Q', stockLocate: 65535, trackingNumber: 65535, timestampNs: 86_400e9 - 1, shares: 2 ** 32 + 5, stock: 'MSFT', crossPrice: 2_000_000_000, matchNumber: 9, crossType: 'O' },
    hex: '51 ffff ffff 4e94914effff 0000000100000005 4d53465420202020 77359400 0000000000000009 4f',
  },
  {
    message: {
      type: 'I', stockLocate: 3, trackingNumber: 0, timestampNs: 0, pairedShares: 2 ** 33, imbalanceShares: 0, imbalanceDirection: 'N', stock: 'QQQ',
      farPrice: 0, nearPrice: 0xffffffff, currentReferencePrice: 1, crossType: 'C', priceVariationIndicator: ' ',
    },
    hex: '49 0003 0000 000000000000 0000000200000000 0000000000000000 4e 5151512020202020 00000000 ffffffff 00000001 43 20',
  },
  {
    message: { type: 'V', stockLocate: 0, trackingNumber: 0, timestampNs: T930, level1: 300_000_000_000, level2: Number.MAX_SAFE_INTEGER, level3: 0 },
    hex: '56 0000 0000 1f1aced9f000 00000045d964b800 001fffffffffffff 0000000000000000',
  },
  {
    message: {
      type: 'R', stockLocate: 1, trackingNumber: 0, timestampNs: 0, stock: 'ALC', marketCategory: 'N', financialStatusIndicator: 'N', roundLotSize: 100,
      roundLotsOnly: 'N', issueClassification: 'A', issueSubType: 'Z', authenticity: 'P', shortSaleThresholdIndicator: 'N', ipoFlag: 'N',
      luldReferencePriceTier: '2', etpFlag: 'N', etpLeverageFactor: 0, inverseIndicator: 'N',
    },
    hex: '52 0001 0000 000000000000 414c432020202020 4e 4e 00000064 4e 41 5a20 50 4e 4e 32 4e 00000000 4e',
  },
  {
    message: { type: 'H', stockLocate: 2, trackingNumber: 0, timestampNs: 5, stock: 'BOB', tradingState: 'H', reserved: ' ', reason: 'LUDP' },
    hex: '48 0002 0000 000000000005 424f422020202020 48 20 4c554450',
  },
];
