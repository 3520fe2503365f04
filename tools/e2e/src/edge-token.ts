import { SignJWT } from 'jose';

/** A realtime token entitled to every symbol, valid for 10 minutes, signed with the edge's HS256 secret. */
export function realtimeToken(secret: string): Promise<string> {
  return new SignJWT({ tier: 'realtime', ent: { symbols: ['*'] } }).setProtectedHeader({ alg: 'HS256' }).setSubject('e2e').setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(secret));
}
