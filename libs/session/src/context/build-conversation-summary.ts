export interface SummaryMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface ConversationSummaryOptions {
  /** Hard cap on the summary's length in characters (UTF-16 code units, like `string.length`). */
  maxChars: number;
  /** How many of the first messages to keep as the head (default 2). */
  headTurns?: number;
  /** Cap on one message's line (default a quarter of maxChars), so one long message cannot crowd out the rest. */
  maxMessageChars?: number;
}

const ELLIPSIS = '…';
// Below this a line says nothing useful ("User: …"), so it is dropped rather than cut.
const MIN_LINE_CHARS = 16;
// The head (how the conversation started) gets at most this share; the rest goes to the recent tail.
const HEAD_SHARE = 1 / 3;

/** Cuts text to max characters, ending with an ellipsis when cut; never splits a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  if (max === 1) return ELLIPSIS;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return text.slice(0, cut).trimEnd() + ELLIPSIS;
}

function formatLine(message: SummaryMessage): string | null {
  const label = message.role === 'user' ? 'User' : message.role === 'assistant' ? 'Assistant' : null;
  // One message per line: newlines inside a message would read as new speakers.
  const content = typeof message.content === 'string' ? message.content.replace(/\s+/g, ' ').trim() : '';
  return label && content ? `${label}: ${content}` : null;
}

function omittedMarker(count: number): string {
  return `[… ${count} earlier message${count === 1 ? '' : 's'} omitted …]`;
}

/**
 * A budget-capped plain-text summary of a conversation: the first `headTurns` messages, a
 * marker for what was left out, then as many of the most recent messages as fit. Each line
 * is `User: …` or `Assistant: …`; the result never exceeds `maxChars`; empty input gives ''.
 */
export function buildConversationSummary(messages: readonly SummaryMessage[], opts: ConversationSummaryOptions): string {
  const maxChars = Math.floor(opts.maxChars);
  if (!(maxChars > 0)) return '';
  const lines = messages.map(formatLine).filter((line): line is string => line !== null);
  if (lines.length === 0) return '';

  const everything = lines.join('\n');
  if (everything.length <= maxChars) return everything;

  const perMessage = Math.max(MIN_LINE_CHARS, Math.floor(opts.maxMessageChars ?? maxChars / 4));
  const capped = lines.map((line) => truncate(line, Math.min(perMessage, maxChars)));
  const cappedAll = capped.join('\n');
  if (cappedAll.length <= maxChars) return cappedAll;

  const n = capped.length;
  const headCount = Math.max(0, Math.min(Math.floor(opts.headTurns ?? 2), n - 1));
  let head = capped.slice(0, headCount);
  const headBudget = Math.floor(maxChars * HEAD_SHARE);
  if (head.join('\n').length > headBudget) {
    const each = Math.floor((headBudget - (head.length - 1)) / head.length);
    head = each >= MIN_LINE_CHARS ? head.map((line) => truncate(line, each)) : [];
  }

  // Reserve room for the widest marker this call could need, then fill the tail newest-first.
  const headChars = head.length ? head.join('\n').length + 1 : 0;
  let remaining = maxChars - headChars - (omittedMarker(n).length + 1);
  const tail: string[] = [];
  for (let i = n - 1; i >= headCount; i--) {
    const cost = capped[i].length + (tail.length ? 1 : 0);
    if (cost <= remaining) {
      tail.unshift(capped[i]);
      remaining -= cost;
      continue;
    }
    // The latest message always makes it in, cut to whatever room is left.
    if (tail.length === 0 && remaining >= MIN_LINE_CHARS) tail.unshift(truncate(capped[i], remaining));
    break;
  }

  const omitted = n - head.length - tail.length;
  const out = [...head, ...(omitted > 0 ? [omittedMarker(omitted)] : []), ...tail].join('\n');
  // A budget too small for head, marker and tail: the most recent message alone is the best summary.
  if (tail.length === 0 || out.length > maxChars) return truncate(lines[n - 1], maxChars);
  return out;
}
