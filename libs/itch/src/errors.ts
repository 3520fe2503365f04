/**
 * Every error this lib reports, declared once with a stable code. Codes are never reused; a retired code
 * stays listed with `retired: true`. `docs/itch.md` lists the same codes (`errors.spec.ts` checks they agree).
 */
export interface ItchErrorDefinition {
  readonly code: string;
  readonly message: string;
  readonly retired?: boolean;
}

function define<const T extends Record<string, string>>(messages: T): { [K in keyof T]: ItchErrorDefinition & { code: K } } {
  const out = {} as Record<string, ItchErrorDefinition>;
  for (const [code, message] of Object.entries(messages)) out[code] = Object.freeze({ code, message });
  return Object.freeze(out) as { [K in keyof T]: ItchErrorDefinition & { code: K } };
}

export const ITCH_ERRORS = define({
  // --- message codec (src/message) ---
  ITCH_ERR_EMPTY_MESSAGE: 'ITCH message is empty (length 0)',
  ITCH_ERR_UNKNOWN_TYPE: 'Unknown ITCH 5.0 message type',
  ITCH_ERR_LENGTH_MISMATCH: 'ITCH message length does not match its type',
  ITCH_ERR_OUT_OF_BOUNDS: 'ITCH message extends past the end of its buffer',
  ITCH_ERR_INT_RANGE: 'Integer field is not an integer within the range of its wire width',
  ITCH_ERR_SYMBOL_TOO_LONG: 'Stock symbol is longer than 8 characters',
  ITCH_ERR_ALPHA_TOO_LONG: 'Alpha field is longer than its wire width',
  ITCH_ERR_ALPHA_NOT_ASCII: 'Alpha field contains a character outside printable ASCII (0x20-0x7E)',
  ITCH_ERR_CHAR_FIELD: 'Single-character field must be exactly one printable ASCII character',
  ITCH_ERR_BUFFER_TOO_SMALL: 'Target buffer is too small for the encoded message',
  // ITCH-MESSAGE-CODES-END
  // --- BinaryFILE (src/binaryfile) ---
  BINARYFILE_ERR_TRUNCATED_RECORD: 'BinaryFILE stream ended inside a record',
  BINARYFILE_ERR_DATA_AFTER_END: 'BinaryFILE bytes follow the End-of-Session record',
  BINARYFILE_ERR_PUSH_AFTER_CLOSE: 'BinaryFILE framer received bytes after end()',
  BINARYFILE_ERR_RECORD_TOO_LONG: 'BinaryFILE record is longer than 65535 bytes',
  BINARYFILE_ERR_EMPTY_RECORD: 'BinaryFILE record to append is empty (a zero-length record means End-of-Session)',
  // BINARYFILE-CODES-END
  // --- SoupBinTCP (src/soupbintcp) ---
  SOUPBINTCP_ERR_ZERO_LENGTH: 'SoupBinTCP packet length is 0 (no packet type byte)',
  SOUPBINTCP_ERR_UNKNOWN_TYPE: 'Unknown SoupBinTCP packet type',
  SOUPBINTCP_ERR_UNEXPECTED_TYPE: 'SoupBinTCP packet type is not valid in this direction',
  SOUPBINTCP_ERR_LENGTH_FOR_TYPE: 'SoupBinTCP packet length is invalid for its type',
  SOUPBINTCP_ERR_BAD_NUMERIC: 'SoupBinTCP numeric field is not right-justified ASCII digits',
  SOUPBINTCP_ERR_FIELD_INVALID: 'SoupBinTCP field value does not fit its wire format',
  SOUPBINTCP_ERR_PAYLOAD_TOO_LARGE: 'SoupBinTCP payload is longer than 65534 bytes',
  SOUPBINTCP_ERR_UNEXPECTED_PACKET: 'SoupBinTCP packet is not valid in the current session state',
  SOUPBINTCP_ERR_MESSAGE_UNAVAILABLE: 'SoupBinTCP message store no longer holds a message the session must send',
  // SOUPBINTCP-CODES-END
  // --- MoldUDP64 (src/moldudp64) ---
  MOLDUDP64_ERR_SHORT_PACKET: 'MoldUDP64 packet is shorter than its 20-byte header',
  MOLDUDP64_ERR_BLOCK_OVERRUN: 'MoldUDP64 message block runs past the end of the packet',
  MOLDUDP64_ERR_COUNT_MISMATCH: 'MoldUDP64 message count disagrees with the message blocks in the packet',
  MOLDUDP64_ERR_SEQUENCE_RANGE: 'MoldUDP64 sequence number is 0 or not exactly representable (>= 2^53)',
  MOLDUDP64_ERR_BAD_REQUEST: 'MoldUDP64 request packet is malformed (length is not 20 or count is 0 or 0xFFFF)',
  MOLDUDP64_ERR_FIELD_INVALID: 'MoldUDP64 field value does not fit its wire format',
  MOLDUDP64_ERR_MESSAGE_TOO_LARGE: 'MoldUDP64 message does not fit in the maximum payload',
  // MOLDUDP64-CODES-END
  // --- pcap / pcapng (src/pcap) ---
  PCAP_ERR_BAD_MAGIC: 'Capture does not start with a pcap or pcapng magic number',
  PCAP_ERR_TRUNCATED: 'Capture ends inside a header, record or block',
  PCAP_ERR_UNSUPPORTED_LINK_TYPE: 'Capture link type is not Ethernet (LINKTYPE_ETHERNET = 1)',
  PCAP_ERR_RECORD_TOO_LARGE: 'Capture record or block is larger than the configured maximum',
  PCAP_ERR_BAD_BLOCK_LENGTH: 'pcapng block total length is invalid (short, not a multiple of 4, or trailer mismatch)',
  PCAP_ERR_BAD_BYTE_ORDER: 'pcapng Section Header Block has an invalid byte-order magic',
  PCAP_ERR_UNKNOWN_INTERFACE: 'pcapng packet block names an interface that was not described',
  PCAP_ERR_FIELD_INVALID: 'pcap writer field value does not fit its wire format',
  // PCAP-CODES-END
});

export type ItchErrorCode = keyof typeof ITCH_ERRORS;

/** Thrown only by encoders and builders given invalid values; decoders report problems, they never throw. */
export class ItchError extends Error {
  constructor(
    readonly code: ItchErrorCode,
    detail?: string,
  ) {
    super(detail ? `${ITCH_ERRORS[code].message}: ${detail}` : ITCH_ERRORS[code].message);
    this.name = 'ItchError';
  }
}
