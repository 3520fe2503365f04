import { parseLastJsonLine } from './run-scenario';

describe('parseLastJsonLine', () => {
  it('takes the last non-empty stdout line as the result object', () => {
    expect(parseLastJsonLine('progress 1\n{"a":1}\n\n')).toEqual({ a: 1 });
  });

  it('says what is wrong when the contract is broken', () => {
    expect(() => parseLastJsonLine('')).toThrow('printed nothing on stdout');
    expect(() => parseLastJsonLine('{"a":1}\ndone')).toThrow('last stdout line is not JSON: done');
    expect(() => parseLastJsonLine('[1]')).toThrow('not a JSON object');
  });
});
