/**
 * A strict model of Telegram's HTML parse mode, used by the fake Bot API so every formatted
 * message the bot sends in a test is checked the way Telegram would check it.
 */
const ALLOWED = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'blockquote', 'tg-spoiler', 'span']);
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

export class EntityParseError extends Error {}

/** Parses Telegram HTML; returns the visible text or throws EntityParseError ("can't parse entities"). */
export function parseTelegramHtml(html: string): string {
  let text = '';
  const stack: string[] = [];
  let i = 0;
  while (i < html.length) {
    const c = html[i];
    if (c === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) throw new EntityParseError(`Unclosed start tag at byte offset ${i}`);
      const tag = html.slice(i + 1, end);
      const m = /^(\/?)([a-z-]+)(\s+[^>]*)?$/i.exec(tag);
      if (!m) throw new EntityParseError(`Unsupported start tag "${tag}" at byte offset ${i}`);
      const name = m[2].toLowerCase();
      if (!ALLOWED.has(name)) throw new EntityParseError(`Unsupported start tag "${name}" at byte offset ${i}`);
      if (m[1]) {
        if (stack.at(-1) !== name) throw new EntityParseError(`Unmatched end tag at byte offset ${i}, expected "</${stack.at(-1) ?? ''}>", found "</${name}>"`);
        stack.pop();
      } else {
        const attrs = m[3] ?? '';
        if (name === 'a' && !/^\s+href="[^"]*"\s*$/.test(attrs)) throw new EntityParseError(`Bad link at byte offset ${i}`);
        if (name === 'code' && attrs && !(stack.at(-1) === 'pre' && /^\s+class="language-[^"]+"$/.test(attrs))) {
          throw new EntityParseError(`Bad code attributes at byte offset ${i}`);
        }
        if (name === 'blockquote' && stack.includes('blockquote')) throw new EntityParseError('Blockquote entities can\'t be nested');
        if (stack.includes('code') || (stack.includes('pre') && !(name === 'code' && stack.at(-1) === 'pre'))) {
          throw new EntityParseError(`Entities can't be nested inside pre or code at byte offset ${i}`);
        }
        if ((name === 'code' || name === 'pre') && stack.includes('a')) throw new EntityParseError(`Code can't be part of a link at byte offset ${i}`);
        stack.push(name);
      }
      i = end + 1;
    } else if (c === '&') {
      const m = /^&(#x[0-9a-f]+|#\d+|[a-z]+);/i.exec(html.slice(i, i + 12));
      if (!m) throw new EntityParseError(`Character entity expected at byte offset ${i}`);
      const name = m[1].toLowerCase();
      if (name.startsWith('#x')) text += String.fromCodePoint(parseInt(name.slice(2), 16));
      else if (name.startsWith('#')) text += String.fromCodePoint(parseInt(name.slice(1), 10));
      else if (NAMED[name] !== undefined) text += NAMED[name];
      else throw new EntityParseError(`Unsupported HTML entity "&${name};" at byte offset ${i}`);
      i += m[0].length;
    } else if (c === '>') {
      throw new EntityParseError(`Unexpected ">" at byte offset ${i}`);
    } else {
      text += c;
      i++;
    }
  }
  if (stack.length) throw new EntityParseError(`Can't find end tag corresponding to start tag "${stack.at(-1)}"`);
  return text;
}
