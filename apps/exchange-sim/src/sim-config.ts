import { DEFAULT_MESSAGES, DEFAULT_MESSAGES_PER_SECOND, DEFAULT_SEED, DEFAULT_SYMBOLS } from '@tickwire/market-sim';
import { defineConfig, env } from '@tickwire/runtime';

export const SIM_MODES = ['soupbintcp', 'moldudp64', 'file'] as const;

export const simConfig = defineConfig({
  MODE: env.enumOf(SIM_MODES, { default: 'soupbintcp', doc: 'how the day is served: a SoupBinTCP server, MoldUDP64 packets, or a BinaryFILE' }),
  SEED: env.int({ min: 0, max: 0xffffffff, default: DEFAULT_SEED, doc: 'PRNG seed: same seed, same day, byte for byte' }),
  SYMBOLS: env.int({ min: 1, max: 65_535, default: DEFAULT_SYMBOLS, doc: 'number of instruments' }),
  MESSAGES: env.int({ min: 1, max: 2_000_000_000, default: DEFAULT_MESSAGES, doc: 'continuous-trading messages in the day' }),
  RATE: env.int({ min: 1, max: 50_000_000, default: DEFAULT_MESSAGES_PER_SECOND, doc: 'baseline messages per second of exchange time' }),
  OPEN_BURST_MULTIPLIER: env.int({ min: 1, max: 1_000, default: 20, doc: 'rate multiplier right after the open' }),
  OPEN_BURST: env.duration({ default: '5s', doc: 'how long the open burst lasts' }),
  SPEED: env.int({ min: 0, max: 1_000_000, default: 1, doc: 'replay speed: 1 = the exchange timestamps in real time, N = N times faster, 0 = as fast as possible' }),
  MAX_IDLE: env.duration({ default: '200ms', doc: 'quiet gaps in the day (03:00 -> 09:30) are cut to this' }),
  SESSION: env.string({ pattern: /^[\x21-\x7e]{1,10}$/, default: 'TICKWIRE01', doc: 'session name (1-10 printable ASCII characters)' }),
  HOST: env.string({ default: '127.0.0.1', doc: 'address the SoupBinTCP server and the MoldUDP64 re-request server listen on' }),
  PORT: env.port({ default: 9700, allowZero: true, doc: 'SoupBinTCP listen port (0 = any free port, logged as sim.soupbintcp_listening)' }),
  SOUP_USERNAME: env.string({ pattern: /^[\x21-\x7e]{1,6}$/, default: 'tw', doc: 'SoupBinTCP username clients must log in with' }),
  SOUP_PASSWORD: env.string({ pattern: /^[\x21-\x7e]{1,10}$/, default: 'tickwire', secret: true, doc: 'SoupBinTCP password' }),
  MOLD_DESTINATION: env.string({ pattern: /^\S+:\d{1,5}$/, default: '127.0.0.1:9701', doc: 'MoldUDP64 channel A: unicast host:port or multicast group:port' }),
  MOLD_B_DESTINATION: env.string({ pattern: /^\S+:\d{1,5}$/, optional: true, doc: 'MoldUDP64 channel B (same packets), for A/B arbitration' }),
  MOLD_INTERFACE: env.string({ default: '127.0.0.1', doc: 'local interface for multicast' }),
  MOLD_REQUEST_PORT: env.port({ default: 9702, doc: 'MoldUDP64 re-request server port (on HOST)' }),
  MOLD_DROP_PER_MILLION: env.int({ min: 0, max: 1_000_000, default: 0, doc: 'test only: data packets deliberately not sent, per million (re-requests still answered)' }),
  OUTPUT: env.string({ optional: true, doc: 'file mode: BinaryFILE path to write (.gz to compress)' }),
});
