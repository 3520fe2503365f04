import fc from 'fast-check';
import { ConnectionLimiter } from './connection-limiter';
import { EdgeError } from './errors';

describe('ConnectionLimiter', () => {
  it('limits per address, then in total; total wins when both are hit', () => {
    const limiter = new ConnectionLimiter({ maxPerIp: 2, maxTotal: 3 });
    expect(limiter.tryAcquire('10.0.0.1')).toBe('ok');
    expect(limiter.tryAcquire('10.0.0.1')).toBe('ok');
    expect(limiter.tryAcquire('10.0.0.1')).toBe('per_ip');
    expect(limiter.tryAcquire('10.0.0.2')).toBe('ok');
    expect(limiter.tryAcquire('10.0.0.3')).toBe('total');
    expect(limiter.tryAcquire('10.0.0.1')).toBe('total');
    expect(limiter.count).toBe(3);
    expect(limiter.countFor('10.0.0.1')).toBe(2);
    expect(limiter.countFor('10.0.0.3')).toBe(0);
  });

  it('a released slot can be taken again and the address entry goes away at zero', () => {
    const limiter = new ConnectionLimiter({ maxPerIp: 1, maxTotal: 10 });
    expect(limiter.tryAcquire('::1')).toBe('ok');
    expect(limiter.addressCount).toBe(1);
    expect(limiter.release('::1')).toBe(true);
    expect(limiter.addressCount).toBe(0);
    expect(limiter.count).toBe(0);
    expect(limiter.tryAcquire('::1')).toBe('ok');
  });

  it('a release without a slot changes nothing and says so', () => {
    const limiter = new ConnectionLimiter({ maxPerIp: 1, maxTotal: 10 });
    limiter.tryAcquire('10.0.0.1');
    expect(limiter.release('10.0.0.2')).toBe(false);
    expect(limiter.release('10.0.0.1')).toBe(true);
    expect(limiter.release('10.0.0.1')).toBe(false);
    expect(limiter.count).toBe(0);
  });

  it('an IPv4-mapped IPv6 address counts as the IPv4 address', () => {
    const limiter = new ConnectionLimiter({ maxPerIp: 1, maxTotal: 10 });
    expect(limiter.tryAcquire('::ffff:127.0.0.1')).toBe('ok');
    expect(limiter.tryAcquire('127.0.0.1')).toBe('per_ip');
    expect(limiter.countFor('127.0.0.1')).toBe(1);
    expect(limiter.release('127.0.0.1')).toBe(true);
    expect(limiter.addressCount).toBe(0);
    expect(limiter.tryAcquire('::ffff:a00:1')).toBe('ok');
    expect(limiter.countFor('::ffff:a00:1')).toBe(1);
  });

  it('Infinity means no limit', () => {
    const limiter = new ConnectionLimiter({ maxPerIp: Infinity, maxTotal: Infinity });
    for (let i = 0; i < 1000; i++) expect(limiter.tryAcquire('10.0.0.1')).toBe('ok');
    expect(limiter.countFor('10.0.0.1')).toBe(1000);
  });

  it.each([
    [{ maxPerIp: 0, maxTotal: 1 }, 'invalid limit option: maxPerIp must be a whole number >= 1 or Infinity, got 0'],
    [{ maxPerIp: 1, maxTotal: 1.5 }, 'invalid limit option: maxTotal must be a whole number >= 1 or Infinity, got 1.5'],
    [{ maxPerIp: NaN, maxTotal: 1 }, 'invalid limit option: maxPerIp must be a whole number >= 1 or Infinity, got NaN'],
  ])('rejects %j', (options, message) => {
    expect(() => new ConnectionLimiter(options)).toThrow(new EdgeError('EDGE_ERR_LIMIT_OPTION', message.slice('invalid limit option: '.length)));
  });

  it('property: any acquire/release sequence keeps the counts exact and within the limits', () => {
    const ips = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '::1', '::ffff:10.0.0.1'];
    const op = fc.record({ acquire: fc.boolean(), ip: fc.constantFrom(...ips) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 200 }), (maxPerIp, maxTotal, ops) => {
        const limiter = new ConnectionLimiter({ maxPerIp, maxTotal });
        const model = new Map<string, number>();
        const key = (ip: string) => ip.replace('::ffff:', '');
        for (const { acquire, ip } of ops) {
          const held = model.get(key(ip)) ?? 0;
          const total = [...model.values()].reduce((a, b) => a + b, 0);
          if (acquire) {
            const expected = total >= maxTotal ? 'total' : held >= maxPerIp ? 'per_ip' : 'ok';
            expect(limiter.tryAcquire(ip)).toBe(expected);
            if (expected === 'ok') model.set(key(ip), held + 1);
          } else {
            expect(limiter.release(ip)).toBe(held > 0);
            if (held > 1) model.set(key(ip), held - 1);
            else model.delete(key(ip));
          }
          const now = [...model.values()].reduce((a, b) => a + b, 0);
          expect(limiter.count).toBe(now);
          expect(limiter.count).toBeLessThanOrEqual(maxTotal);
          expect(limiter.addressCount).toBe(model.size);
          for (const candidate of ips) {
            expect(limiter.countFor(candidate)).toBe(model.get(key(candidate)) ?? 0);
            expect(limiter.countFor(candidate)).toBeLessThanOrEqual(maxPerIp);
          }
        }
        // Releasing everything leaves nothing behind.
        for (const [ip, n] of model) for (let i = 0; i < n; i++) limiter.release(ip);
        expect(limiter.count).toBe(0);
        expect(limiter.addressCount).toBe(0);
      }),
    );
  });
});
