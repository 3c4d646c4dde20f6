import { locateJsonError } from './json-error-position';

describe('locateJsonError', () => {
  it('returns undefined for every kind of valid JSON', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"], "b": {}} ', '"s"', '0']) {
      expect(locateJsonError(text)).toBeUndefined();
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  it.each([
    ['{\n  "models": [,]\n}', 2, 14, /unexpected ","/],
    ['{"a": 1,}', 1, 9, /trailing comma/],
    ['{"a" 1}', 1, 6, /expected ":"/],
    ["{'a': 1}", 1, 2, /property name in double quotes/],
    ['{"a": 1} x', 1, 10, /after the end/],
    ['{"a": "b', 1, 9, /end of file/],
    ['{"a": tru}', 1, 7, /unexpected "t"/],
    ['{"a": "x\ny"}', 1, 9, /control character/],
  ])('locates the error in %j', (text, line, column, reason) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(locateJsonError(text)).toEqual({ offset: expect.any(Number), line, column, reason: expect.stringMatching(reason) });
  });
});
