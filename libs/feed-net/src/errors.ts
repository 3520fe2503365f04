/**
 * Errors of the feed I/O layer, declared once with stable codes (never reused). Framing and protocol
 * errors keep the `@tickwire/itch` codes; these are about files and sockets. `docs/itch.md` lists them.
 */
export const FEED_ERRORS = Object.freeze({
  FEED_ERR_READ_FAILED: 'reading the feed failed',
  FEED_ERR_BAD_URL: 'invalid feed URL',
  FEED_ERR_LOGIN_REJECTED: 'the exchange rejected the login',
  FEED_ERR_PEER_DEAD: 'no data or heartbeat from the peer within the timeout',
  FEED_ERR_DISCONNECTED: 'the connection to the exchange dropped',
  FEED_ERR_WRONG_SESSION: 'packet from another MoldUDP64 session ignored',
  FEED_ERR_CONNECT_FAILED: 'could not connect to the exchange (refused, unreachable or timed out)',
  FEED_ERR_SOCKET_FAILED: 'a UDP socket could not be bound, joined to its multicast group, or failed',
} as const);

export type FeedErrorCode = keyof typeof FEED_ERRORS;
