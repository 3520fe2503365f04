import { Readiness } from './readiness';

describe('Readiness', () => {
  it('is ready with no conditions until draining', () => {
    const r = new Readiness();
    expect(r.isReady()).toBe(true);
    r.setDraining();
    expect(r.isReady()).toBe(false);
    expect(r.report()).toEqual({ ready: false, draining: true, failing: [], conditions: [] });
  });

  it('is ready only when every registered condition is true', () => {
    const r = new Readiness().register('bus').register('store');
    expect(r.isReady()).toBe(false);
    r.set('bus', true);
    expect(r.isReady()).toBe(false);
    r.set('store', true);
    expect(r.isReady()).toBe(true);
    r.set('bus', false, 'disconnected');
    expect(r.isReady()).toBe(false);
    r.set('bus', true);
    expect(r.isReady()).toBe(true);
  });

  it('registers implicitly on set, and register() does not reset an existing condition', () => {
    const r = new Readiness().set('bus', true);
    r.register('bus');
    expect(r.isReady()).toBe(true);
    r.set('cache', false);
    expect(r.isReady()).toBe(false);
  });

  it('counts repeated sets correctly', () => {
    const r = new Readiness();
    r.set('a', false).set('a', false).set('a', false);
    r.set('a', true);
    expect(r.isReady()).toBe(true);
    r.set('a', true).set('a', true);
    r.set('b', false);
    r.set('b', true);
    expect(r.isReady()).toBe(true);
  });

  it('reports failing conditions with reasons, in registration order', () => {
    const r = new Readiness().register('started', 'starting').set('bus', false, 'ECONNREFUSED').set('store', true, 'ignored when ok');
    expect(r.report()).toEqual({
      ready: false,
      draining: false,
      failing: [
        { name: 'started', ok: false, reason: 'starting' },
        { name: 'bus', ok: false, reason: 'ECONNREFUSED' },
      ],
      conditions: [
        { name: 'started', ok: false, reason: 'starting' },
        { name: 'bus', ok: false, reason: 'ECONNREFUSED' },
        { name: 'store', ok: true },
      ],
    });
  });

  it('draining wins over conditions and is one-way', () => {
    const r = new Readiness().set('bus', true);
    r.setDraining();
    r.set('bus', true);
    expect(r.isReady()).toBe(false);
    expect(r.draining).toBe(true);
  });

  it('tells listeners about every change, draining included', () => {
    const r = new Readiness().register('bus');
    const seen: [boolean, boolean][] = [];
    r.onChange((report) => seen.push([report.ready, report.draining]));
    r.set('bus', true);
    r.set('bus', false, 'ECONNREFUSED');
    r.set('bus', true);
    r.setDraining();
    expect(seen).toEqual([
      [true, false],
      [false, false],
      [true, false],
      [false, true],
    ]);
  });

  it('rejects an empty name', () => {
    expect(() => new Readiness().set('', true)).toThrow(TypeError);
  });
});
