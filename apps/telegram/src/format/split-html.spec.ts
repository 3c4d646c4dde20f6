import { parseTelegramHtml } from '../../test/telegram-html';
import { htmlToPlain } from './html';
import { markdownToTelegramHtml } from './markdown-to-telegram-html';
import { splitTelegramHtml, TELEGRAM_CHUNK_LIMIT } from './split-html';

const words = (n: number, w = 'word') => Array.from({ length: n }, (_, i) => `${w}${i}`).join(' ');
const squash = (s: string) => s.replace(/\s+/g, '');

function expectValid(chunks: string[], limit: number): void {
  for (const c of chunks) {
    expect(c.length).toBeLessThanOrEqual(limit);
    expect(() => parseTelegramHtml(c)).not.toThrow();
    expect(parseTelegramHtml(c).trim()).not.toBe('');
  }
}

describe('splitTelegramHtml', () => {
  it('leaves a short message alone', () => {
    expect(splitTelegramHtml('hello <b>world</b>')).toEqual(['hello <b>world</b>']);
    expect(splitTelegramHtml('')).toEqual([]);
  });

  it('splits at paragraph breaks, keeping every character', () => {
    const paras = Array.from({ length: 12 }, (_, i) => `Paragraph ${i}. ${words(60)}`);
    const html = paras.join('\n\n');
    const chunks = splitTelegramHtml(html, 1000);
    expect(chunks.length).toBeGreaterThan(3);
    expectValid(chunks, 1000);
    for (const c of chunks) expect(c.startsWith('Paragraph ')).toBe(true);
    expect(squash(chunks.join(''))).toBe(squash(html));
  });

  it('splits a long paragraph at sentence ends, closing and reopening inline tags', () => {
    const sentences = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} says something long enough to matter.`).join(' ');
    const html = `<b>${sentences}</b>`;
    const chunks = splitTelegramHtml(html, 500);
    expectValid(chunks, 500);
    for (const c of chunks) {
      expect(c.startsWith('<b>Sentence number')).toBe(true);
      expect(c.endsWith('matter.</b>')).toBe(true);
    }
    expect(squash(chunks.map(htmlToPlain).join(''))).toBe(squash(sentences));
  });

  it('moves a code block that fits whole into the next chunk instead of cutting it', () => {
    const code = Array.from({ length: 30 }, (_, i) => `line ${i} of code`).join('\n');
    const html = `${words(50)}\n\n<pre><code class="language-js">${code}</code></pre>\n\nafter`;
    const chunks = splitTelegramHtml(html, 700);
    expectValid(chunks, 700);
    const withCode = chunks.filter((c) => c.includes('line 0 of code'));
    expect(withCode).toHaveLength(1);
    expect(withCode[0]).toContain(`<pre><code class="language-js">${code}</code></pre>`);
  });

  it('splits an oversized code block between lines, reopening its markup in each chunk', () => {
    const code = Array.from({ length: 400 }, (_, i) => `const value${i} = ${i} &amp;&amp; ok;`).join('\n');
    const html = `<pre><code class="language-ts">${code}</code></pre>`;
    const chunks = splitTelegramHtml(html, TELEGRAM_CHUNK_LIMIT);
    expect(chunks.length).toBeGreaterThan(2);
    expectValid(chunks, TELEGRAM_CHUNK_LIMIT);
    for (const c of chunks) {
      expect(c.startsWith('<pre><code class="language-ts">const value')).toBe(true);
      expect(c.endsWith(' ok;</code></pre>')).toBe(true);
    }
    expect(chunks.map((c) => htmlToPlain(c)).join('\n')).toBe(htmlToPlain(html));
  });

  it('never cuts an entity or a surrogate pair, even inside one endless word', () => {
    const html = '&amp;😀'.repeat(2000);
    const chunks = splitTelegramHtml(html, 333);
    expectValid(chunks, 333);
    expect(chunks.join('')).toBe(html);
  });

  it('keeps rendered Markdown valid across chunks (under 4,096 characters each)', () => {
    const md = Array.from({ length: 60 }, (_, i) =>
      i % 7 === 3 ? '```py\n' + 'print("x")\n'.repeat(40) + '```' : `## Part ${i}\n\nSome **bold ${words(30)}** and _more_ [link](https://e.x/${i}).`,
    ).join('\n\n');
    const html = markdownToTelegramHtml(md);
    const chunks = splitTelegramHtml(html);
    expect(chunks.length).toBeGreaterThan(2);
    expectValid(chunks, 4096);
    expect(squash(chunks.map(htmlToPlain).join(''))).toBe(squash(htmlToPlain(html)));
    for (const c of chunks) expect((c.match(/<pre>/g) ?? []).length).toBe((c.match(/<\/pre>/g) ?? []).length);
  });
});
