import { canRenderInBlocks, splitMarkdownBlocks } from './markdown-blocks';

describe('splitMarkdownBlocks', () => {
  it('splits at blank lines', () => {
    expect(splitMarkdownBlocks('# Title\n\nFirst para\nstill first\n\n\n- a\n- b')).toEqual(['# Title', 'First para\nstill first', '- a\n- b']);
  });

  it('never splits inside fenced code, even at blank lines', () => {
    const text = 'Intro\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\n\nAfter';
    expect(splitMarkdownBlocks(text)).toEqual(['Intro', '```ts\nconst a = 1;\n\nconst b = 2;\n```', 'After']);
  });

  it('keeps an unfinished fence as the growing last block while streaming', () => {
    expect(splitMarkdownBlocks('Intro\n\n~~~\ncode\n\nmore code')).toEqual(['Intro', '~~~\ncode\n\nmore code']);
  });

  it('closes a fence only with the same character and at least the same length', () => {
    const text = '````\n```\ninner\n```\n\nstill code\n````\n\nout';
    expect(splitMarkdownBlocks(text)).toEqual(['````\n```\ninner\n```\n\nstill code\n````', 'out']);
  });

  it('returns nothing for blank text and keeps a trailing partial line', () => {
    expect(splitMarkdownBlocks('')).toEqual([]);
    expect(splitMarkdownBlocks('\n\n  \n')).toEqual([]);
    expect(splitMarkdownBlocks('one\n\ntw')).toEqual(['one', 'tw']);
  });

  it('joins back to the same text, block boundaries aside', () => {
    const text = Array.from({ length: 50 }, (_, i) => `Paragraph ${i} with words.`).join('\n\n');
    expect(splitMarkdownBlocks(text).join('\n\n')).toBe(text);
  });
});

describe('canRenderInBlocks', () => {
  it('is true for ordinary Markdown', () => {
    expect(canRenderInBlocks('# T\n\ntext\n\n```\ncode\n```\n\n| a |\n| - |\n| 1 |')).toBe(true);
  });

  it('is false when blocks refer to each other or a block starts indented', () => {
    expect(canRenderInBlocks('See [the docs][d].\n\n[d]: https://example.com')).toBe(false);
    expect(canRenderInBlocks('A claim[^1].\n\n[^1]: The source.')).toBe(false);
    expect(canRenderInBlocks('- item\n\n    continued paragraph of the item')).toBe(false);
  });
});
