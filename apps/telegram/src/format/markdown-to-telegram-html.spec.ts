import { parseTelegramHtml } from '../../test/telegram-html';
import { htmlToPlain } from './html';
import { markdownToTelegramHtml as render } from './markdown-to-telegram-html';

describe('markdownToTelegramHtml', () => {
  it('maps inline Markdown to the tags Telegram supports', () => {
    expect(render('Some **bold**, _it_, ~~gone~~ and `x < y`')).toBe('Some <b>bold</b>, <i>it</i>, <s>gone</s> and <code>x &lt; y</code>');
    expect(render('[docs](https://x.dev/a?b=1&c="2")')).toBe('<a href="https://x.dev/a?b=1&amp;c=%222%22">docs</a>');
    expect(render('see https://example.com/docs?a=1&b=2 now')).toBe('see <a href="https://example.com/docs?a=1&amp;b=2">https://example.com/docs?a=1&amp;b=2</a> now');
    expect(render('<https://x.dev/a>')).toBe('<a href="https://x.dev/a">https://x.dev/a</a>');
  });

  it('leaves bare file names and scheme-less domains as text', () => {
    expect(render('Edit README.md and main.py, then run setup.sh')).toBe('Edit README.md and main.py, then run setup.sh');
    expect(render('see www.example.com or example.com')).toBe('see www.example.com or example.com');
    expect(render('mail me at someone@example.com')).toBe('mail me at someone@example.com');
    expect(render('- `app.ts`\n- index.html')).toBe('• <code>app.ts</code>\n• index.html');
    expect(render('[the readme](https://x.dev/README.md)')).toBe('<a href="https://x.dev/README.md">the readme</a>');
  });

  it('escapes every <, > and & and never passes raw HTML through', () => {
    const html = render('a <b>not bold</b> & <script>alert(1)</script> 5 > 3');
    expect(html).toBe('a &lt;b&gt;not bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt; 5 &gt; 3');
    expect(parseTelegramHtml(html)).toBe('a <b>not bold</b> & <script>alert(1)</script> 5 > 3');
  });

  it('renders code blocks as pre, with the language when it is safe', () => {
    expect(render('```ts\nconst a = 1 < 2;\n```')).toBe('<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>');
    expect(render('```\nplain\n```')).toBe('<pre>plain</pre>');
    expect(render('```"><script>\nx\n```')).toBe('<pre>x</pre>');
    expect(render('    indented code')).toBe('<pre>indented code</pre>');
  });

  it('turns headings into bold lines, lists into bullets and numbers, and keeps line breaks', () => {
    expect(render('# Title\n\ntext\nnext line')).toBe('<b>Title</b>\n\ntext\nnext line');
    expect(render('- a\n- b\n  1. c\n  2. d')).toBe('• a\n• b\n  1. c\n  2. d');
    expect(render('3. three\n4. four')).toBe('3. three\n4. four');
  });

  it('keeps only links Telegram can open safely', () => {
    expect(render('[x](javascript:alert(1))')).not.toContain('<a');
    expect(render('[x](/relative)')).toBe('x');
    expect(render('![a cat](https://img.example/cat.png)')).toBe('<a href="https://img.example/cat.png">a cat</a>');
    // Code inside a link is not allowed by Telegram: the link wins.
    expect(render('[`code`](https://x.dev)')).toBe('<a href="https://x.dev">code</a>');
  });

  it('renders one level of blockquote and tables as a monospaced block', () => {
    expect(render('> quoted\n> > nested')).toBe('<blockquote>quoted\n\nnested</blockquote>');
    expect(render('| a | bb |\n|---|---|\n| 1 | 2 |')).toBe('<pre>a | bb\n--|---\n1 | 2</pre>');
  });

  it('always produces HTML that Telegram parses, whatever the input', () => {
    const nasty = [
      '**unclosed bold',
      '```\nunclosed fence',
      '<<>>&&;;&amp;&#x41;',
      '> > > deep\n>\n> - list in quote **b** [l](https://l.dev)',
      '*a **b** c*',
      '- [ ] task\n- [x] done',
      '<pre>raw</pre>\n\n<code>',
      '| t | `c` |\n|--|--|\n| <x> | & |',
      '1. a\n\n   ```js\n   x = 1\n   ```\n2. b',
      'emoji 😀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    ];
    for (const input of nasty) {
      const html = render(input);
      expect(() => parseTelegramHtml(html)).not.toThrow();
      expect(htmlToPlain(html)).toBe(parseTelegramHtml(html));
    }
  });
});
