import type { ContentPart, ToolCallSummary } from '@switchboard/protocol';
import { MAX_TOOL_LINES, REASONING_MAX_CHARS, reasoningHtml, replyWithExtras, toolLinesHtml, toolLinesText } from './reply-extras';
import { splitTelegramHtml } from './split-html';
import { htmlToPlain } from './html';

const call = (toolName: string, state: ToolCallSummary['state'], id = Math.random().toString(36)): ToolCallSummary => ({ toolCallId: id, toolName, input: { secret: 'input' }, state, output: 'raw output' });

describe('tool lines', () => {
  it('names each call the way allow-lists do, marks its outcome, and groups repeats', () => {
    const calls = [call('github__search_issues', 'ok'), call('github__search_issues', 'ok'), call('demo__fail', 'error'), call('web_fetch', 'running')];
    expect(toolLinesText(calls)).toBe('🔧 github.search_issues ✓ ×2\n🔧 demo.fail ✗\n🔧 web_fetch');
    expect(toolLinesHtml(calls)).toBe('🔧 <i>github.search_issues ✓ ×2</i>\n🔧 <i>demo.fail ✗</i>\n🔧 <i>web_fetch</i>');
    expect(toolLinesText([])).toBe('');
    // Never the input or output.
    expect(toolLinesHtml(calls)).not.toMatch(/secret|raw output/);
  });

  it(`shows at most ${MAX_TOOL_LINES} lines and counts the rest`, () => {
    const calls = Array.from({ length: 12 }, (_, i) => call(`t${i}`, 'ok'));
    const lines = toolLinesText(calls).split('\n');
    expect(lines).toHaveLength(MAX_TOOL_LINES);
    expect(lines.at(-1)).toBe('🔧 … 5 more tool calls');
  });

  it('escapes a name for HTML', () => {
    expect(toolLinesHtml([call('a<b>__c&d', 'ok')])).toBe('🔧 <i>a&lt;b&gt;.c&amp;d ✓</i>');
  });
});

describe('reasoning block', () => {
  it('marks the reasoning and folds it in an expandable quote, escaped; nothing without reasoning', () => {
    const parts: ContentPart[] = [{ type: 'reasoning', text: ' 2 < 3 & so on ' }, { type: 'text', text: 'Yes.' }];
    expect(reasoningHtml(parts)).toBe('💭 <i>Reasoning</i>\n<blockquote expandable>2 &lt; 3 &amp; so on</blockquote>');
    expect(reasoningHtml([{ type: 'text', text: 'Yes.' }])).toBe('');
    expect(reasoningHtml([{ type: 'reasoning', text: '  ' }])).toBe('');
  });

  it('cuts long reasoning, says how much is left out, and the reply still splits under the limit', () => {
    const long = 'word '.repeat(3000).trim();
    const html = reasoningHtml([{ type: 'reasoning', text: long }]);
    const quoted = /<blockquote expandable>([^<]*)\n<i>… ([\d,]+) more characters<\/i><\/blockquote>$/.exec(html)!;
    expect(quoted[1].length).toBeLessThanOrEqual(REASONING_MAX_CHARS);
    expect(quoted[1].length + Number(quoted[2].replace(/,/g, ''))).toBe(long.length);
    const chunks = splitTelegramHtml(replyWithExtras({ parts: [{ type: 'reasoning', text: long }] }, 'answer '.repeat(800), true));
    for (const c of chunks) expect(htmlToPlain(c).length).toBeLessThan(4096);
    expect(chunks[0].startsWith('💭 <i>Reasoning</i>\n<blockquote expandable>word')).toBe(true);
  });
});

describe('replyWithExtras', () => {
  const parts: ContentPart[] = [
    { type: 'reasoning', text: 'Think.' },
    { type: 'tool-call', toolCallId: 'c', toolName: 'demo__echo', input: {} },
    { type: 'tool-result', toolCallId: 'c', toolName: 'demo__echo', output: 'x' },
    { type: 'text', text: 'Done.' },
  ];
  it('puts the reasoning (when asked for), then the tool lines, then the reply', () => {
    expect(replyWithExtras({ parts }, 'Done.', true)).toBe('💭 <i>Reasoning</i>\n<blockquote expandable>Think.</blockquote>\n\n🔧 <i>demo.echo ✓</i>\n\nDone.');
    expect(replyWithExtras({ parts }, 'Done.', false)).toBe('🔧 <i>demo.echo ✓</i>\n\nDone.');
    expect(replyWithExtras({ parts: [{ type: 'text', text: 'Hi.' }] }, 'Hi.', true)).toBe('Hi.');
  });

  it('sends nothing when the reply itself has nothing to say', () => {
    expect(replyWithExtras({ parts }, '', true)).toBe('');
  });
});
