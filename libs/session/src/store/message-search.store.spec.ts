import { ftsAllWordsQuery, parseMarkedSnippet, plainSnippet, searchWords } from './message-search.store';

describe('search query and snippets', () => {
  it('keeps only words, quoted, all required, the last one as a prefix while typing', () => {
    expect(searchWords('capital of "France"!')).toEqual(['capital', 'of', 'France']);
    expect(ftsAllWordsQuery('capital of Fra')).toBe('"capital" "of" "Fra"*');
    expect(ftsAllWordsQuery('capital of France ')).toBe('"capital" "of" "France"');
    expect(ftsAllWordsQuery('NEAR(a* -b) col:x')).toBe('"NEAR" "a" "b" "col" "x"*');
    expect(ftsAllWordsQuery('*** ---')).toBeNull();
    expect(searchWords('Île-de-France 東京')).toEqual(['Île', 'de', 'France', '東京']);
  });

  it('turns marked snippets into plain text and merged highlight ranges', () => {
    const s = parseMarkedSnippet('…the \u0002capital\u0003 \u0002of\u0003 \u0002France\u0003?');
    expect(s.text).toBe('…the capital of France?');
    expect(s.highlights.map(([a, b]) => s.text.slice(a, b))).toEqual(['capital', 'of', 'France']);
    const joined = parseMarkedSnippet('\u0002a\u0003\u0002b\u0003 c');
    expect(joined).toEqual({ text: 'ab c', highlights: [[0, 2]] });
    expect(parseMarkedSnippet('<b>x</b>')).toEqual({ text: '<b>x</b>', highlights: [] });
  });

  it('builds a plain snippet around the first match when there is no index', () => {
    const long = `${'filler '.repeat(40)}the Capital of France is Paris ${'more '.repeat(40)}`;
    const s = plainSnippet(long, ['capital', 'france']);
    expect(s.text.startsWith('…')).toBe(true);
    expect(s.text.endsWith('…')).toBe(true);
    expect(s.highlights.map(([a, b]) => s.text.slice(a, b))).toEqual(['Capital', 'France']);
  });
});
