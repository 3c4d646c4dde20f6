import { toolCallsOf, toolOrigin, type ContentPart, type ToolCallSummary } from '@switchboard/protocol';
import { escapeHtml } from './html';

/** Lines of tool calls shown at most; the rest are counted on one more line. */
export const MAX_TOOL_LINES = 8;
/** Characters of reasoning sent at most, so the folded block and the reply's start share one message. */
export const REASONING_MAX_CHARS = 2500;

interface ToolLine {
  name: string;
  state: ToolCallSummary['state'];
  count: number;
}

const MARK: Record<ToolCallSummary['state'], string> = { ok: ' ✓', error: ' ✗', running: '' };

/** Consecutive calls of one tool with one outcome share a line ("×3"); never the input or output. */
function toolLines(calls: readonly ToolCallSummary[]): { lines: ToolLine[]; more: number } {
  const lines: ToolLine[] = [];
  for (const call of calls) {
    const name = toolOrigin(call.toolName).name;
    const last = lines.at(-1);
    if (last && last.name === name && last.state === call.state) last.count++;
    else lines.push({ name, state: call.state, count: 1 });
  }
  if (lines.length <= MAX_TOOL_LINES) return { lines, more: 0 };
  const shown = lines.slice(0, MAX_TOOL_LINES - 1);
  const more = lines.slice(MAX_TOOL_LINES - 1).reduce((n, l) => n + l.count, 0);
  return { lines: shown, more };
}

const lineText = (l: ToolLine) => `${l.name}${MARK[l.state]}${l.count > 1 ? ` ×${l.count}` : ''}`;
const moreText = (more: number) => `… ${more} more tool call${more === 1 ? '' : 's'}`;

/** A streamed draft's tool lines (plain text): "🔧 github.search_issues ✓", a running one without a mark. */
export function toolLinesText(calls: readonly ToolCallSummary[]): string {
  const { lines, more } = toolLines(calls);
  return [...lines.map((l) => `🔧 ${lineText(l)}`), ...(more ? [`🔧 ${moreText(more)}`] : [])].join('\n');
}

/** The same lines in Telegram HTML, quiet like the service lines: "🔧 <i>github.search_issues ✓</i>". */
export function toolLinesHtml(calls: readonly ToolCallSummary[]): string {
  const { lines, more } = toolLines(calls);
  return [...lines.map((l) => `🔧 <i>${escapeHtml(lineText(l))}</i>`), ...(more ? [`🔧 <i>${moreText(more)}</i>`] : [])].join('\n');
}

/** A reply's reasoning as a marked, folded block (Telegram's expandable quote), cut at REASONING_MAX_CHARS; '' when it has none. */
export function reasoningHtml(parts: readonly ContentPart[]): string {
  const text = parts
    .flatMap((p) => (p.type === 'reasoning' ? [p.text.trim()] : []))
    .filter(Boolean)
    .join('\n\n');
  if (!text) return '';
  let shown = text;
  if (text.length > REASONING_MAX_CHARS) {
    // Never cut a surrogate pair in half.
    const end = /[\uD800-\uDBFF]/.test(text[REASONING_MAX_CHARS - 1]) ? REASONING_MAX_CHARS - 1 : REASONING_MAX_CHARS;
    shown = text.slice(0, end).trimEnd();
  }
  const cut = text.length - shown.length;
  return `💭 <i>Reasoning</i>\n<blockquote expandable>${escapeHtml(shown)}${cut ? `\n<i>… ${cut.toLocaleString('en')} more characters</i>` : ''}</blockquote>`;
}

/** The final reply as sent: its reasoning when the chat asked for it, its tool lines, then the reply itself. */
export function replyWithExtras(message: { parts: readonly ContentPart[] }, replyHtml: string, showReasoning: boolean): string {
  if (!replyHtml) return '';
  const tools = toolLinesHtml(toolCallsOf(message.parts));
  const reasoning = showReasoning ? reasoningHtml(message.parts) : '';
  return [reasoning, tools, replyHtml].filter(Boolean).join('\n\n');
}
