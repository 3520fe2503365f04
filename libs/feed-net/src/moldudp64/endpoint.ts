/**
 * UDP endpoints (`host:port`) for MoldUDP64 channels and re-request servers, validated once at boot.
 */
import { isIPv4 } from 'node:net';

export interface MoldUdp64Endpoint {
  /** IPv4 address or host name; an address in 224.0.0.0/4 makes the channel multicast. */
  readonly host: string;
  /** UDP port; 0 = ephemeral (bind side only). */
  readonly port: number;
}

/** True for an IPv4 multicast group address (224.0.0.0/4). */
export function isMulticastIpv4(host: string): boolean {
  if (!isIPv4(host)) return false;
  const first = Number(host.slice(0, host.indexOf('.')));
  return first >= 224 && first <= 239;
}

/** True for an IPv4 loopback address (127.0.0.0/8) or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || (isIPv4(host) && host.startsWith('127.'));
}

/** Checks an endpoint; throws a RangeError naming `field`. Returns a frozen copy. */
export function checkEndpoint(endpoint: MoldUdp64Endpoint, field: string, allowPortZero: boolean): MoldUdp64Endpoint {
  if (typeof endpoint !== 'object' || endpoint === null) throw new RangeError(`${field} must be { host, port }`);
  const { host, port } = endpoint;
  if (typeof host !== 'string' || host.length === 0 || /[\s/]/.test(host)) throw new RangeError(`${field}.host must be an IPv4 address or host name: ${JSON.stringify(host)}`);
  if (!Number.isInteger(port) || port < (allowPortZero ? 0 : 1) || port > 65535) {
    throw new RangeError(`${field}.port must be an integer in ${allowPortZero ? 0 : 1}..65535: ${port}`);
  }
  return Object.freeze({ host, port });
}

/** Parses `host:port` (e.g. a URL query value); throws a RangeError naming `field`. */
export function parseEndpoint(text: string, field: string, allowPortZero = false): MoldUdp64Endpoint {
  const colon = text.lastIndexOf(':');
  if (colon <= 0 || !/^\d{1,5}$/.test(text.slice(colon + 1))) throw new RangeError(`${field} must be host:port: ${JSON.stringify(text)}`);
  return checkEndpoint({ host: text.slice(0, colon), port: Number(text.slice(colon + 1)) }, field, allowPortZero);
}

/** `host:port` for logs. */
export function formatEndpoint(endpoint: MoldUdp64Endpoint): string {
  return `${endpoint.host}:${endpoint.port}`;
}
