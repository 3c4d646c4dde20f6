/**
 * Splits Markdown into top-level blocks at blank lines outside fenced code. While a reply
 * streams, every block but the last is finished and never changes again, so each can be
 * rendered once and memoised; only the growing tail is parsed on each frame.
 */
export function splitMarkdownBlocks(text: string): string[] {
  const blocks: string[] = [];
  let fence: { char: string; len: number } | null = null;
  let start = 0;
  let pos = 0;
  let sawContent = false;
  while (pos <= text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(pos, end);
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (m) {
      const char = m[1][0];
      const len = m[1].length;
      if (!fence) fence = { char, len };
      else if (char === fence.char && len >= fence.len && line.trim() === m[1]) fence = null;
      sawContent = true;
    } else if (!fence && line.trim() === '') {
      if (sawContent) {
        blocks.push(text.slice(start, pos).replace(/\n+$/, ''));
        sawContent = false;
      }
      start = end + 1;
    } else {
      sawContent = true;
    }
    if (nl < 0) break;
    pos = nl + 1;
  }
  if (start < text.length && text.slice(start).trim() !== '') blocks.push(text.slice(start));
  return blocks;
}

/**
 * Whether rendering the blocks one by one gives the same result as rendering the whole text:
 * not when something refers across blocks (link reference definitions, footnotes) or when a
 * block starts indented (a list item's continuation, which alone would read as code).
 */
export function canRenderInBlocks(text: string): boolean {
  if (/^ {0,3}\[[^\]]+\]:\s/m.test(text)) return false;
  if (/\[\^[^\]]+\]/.test(text)) return false;
  return !splitMarkdownBlocks(text).some((block, i) => i > 0 && /^(?: {4}|\t)/.test(block));
}
