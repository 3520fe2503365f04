import { SubjectIndex } from './subject-index';

describe('SubjectIndex', () => {
  it('matches literal, * and > patterns like NATS', () => {
    const index = new SubjectIndex<string>();
    for (const pattern of ['a.b', 'a.*', '*.b', 'a.>', '>', 'a.b.c', 'x.*.z']) index.add(pattern, pattern);
    expect([...index.match('a.b')].sort()).toEqual(['*.b', '>', 'a.*', 'a.>', 'a.b']);
    expect([...index.match('a.b.c')].sort()).toEqual(['>', 'a.>', 'a.b.c']);
    expect([...index.match('x.y.z')].sort()).toEqual(['>', 'x.*.z']);
    expect([...index.match('a')]).toEqual(['>']);
  });

  it('forgets a removed pattern even when the subject was cached', () => {
    const index = new SubjectIndex<string>();
    index.add('a.*', 'one');
    index.add('a.>', 'two');
    expect(index.match('a.b')).toHaveLength(2);
    index.remove('a.*', 'one');
    expect(index.match('a.b')).toEqual(['two']);
    index.remove('a.>', 'two');
    expect(index.match('a.b')).toEqual([]);
  });
});
