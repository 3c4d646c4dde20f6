/** Telegram's limit is 4,096 characters; we keep a margin (our measure, the HTML, is already longer than the text). */
export const TELEGRAM_CHUNK_LIMIT = 4000;

interface Atom {
  kind: 'open' | 'close' | 'text';
  raw: string;
  /** The character a text atom shows (an entity decoded), for choosing break points. */
  ch: string;
  name: string;
}

interface Open {
  atom: Atom;
  index: number;
}

interface Candidate {
  end: number;
  stack: Open[];
  len: number;
}

// A tag, an entity, a surrogate pair, or one UTF-16 unit: none of them is ever cut.
const ATOM = /<(\/?)([a-z]+)[^>]*>|&(#x[0-9a-f]+|#\d+|[a-z]+);|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/gi;
const ENTITY_CHARS: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

function tokenize(html: string): Atom[] {
  const atoms: Atom[] = [];
  for (const m of html.matchAll(ATOM)) {
    if (m[2]) atoms.push({ kind: m[1] ? 'close' : 'open', raw: m[0], ch: '', name: m[2].toLowerCase() });
    else if (m[3]) atoms.push({ kind: 'text', raw: m[0], ch: ENTITY_CHARS[m[3].toLowerCase()] ?? 'x', name: '' });
    else atoms.push({ kind: 'text', raw: m[0], ch: m[0], name: '' });
  }
  return atoms;
}

const closeTag = (o: Open) => `</${o.atom.name}>`;
const closingOf = (stack: Open[]) => stack.map(closeTag).reverse().join('');
const closingLength = (stack: Open[]) => stack.reduce((n, o) => n + o.atom.name.length + 3, 0);

function apply(stack: Open[], atom: Atom, index: number): Open[] {
  if (atom.kind === 'open') return [...stack, { atom, index }];
  if (atom.kind === 'close') {
    const at = stack.map((o) => o.atom.name).lastIndexOf(atom.name);
    return at < 0 ? stack : stack.slice(0, at);
  }
  return stack;
}

/** For every `<pre>`: does the whole block (tags included) fit in one chunk on its own? */
function preSizes(atoms: Atom[]): Map<number, number> {
  const sizes = new Map<number, number>();
  const open: number[] = [];
  let pos = 0;
  const starts = new Map<number, number>();
  atoms.forEach((a, i) => {
    if (a.kind === 'open' && a.name === 'pre') {
      open.push(i);
      starts.set(i, pos);
    }
    pos += a.raw.length;
    if (a.kind === 'close' && a.name === 'pre' && open.length) {
      const start = open.pop()!;
      sizes.set(start, pos - starts.get(start)!);
    }
  });
  return sizes;
}

const SENTENCE_END = /[.!?…。]/;

/**
 * Splits Telegram HTML into chunks of at most `limit` characters, each with balanced tags:
 * at paragraph breaks, else line breaks, sentence ends, spaces, and only as a last resort
 * inside a word. Tags open at a split are closed and reopened in the next chunk; a code block
 * that fits in one chunk is never split, and one that does not is split between lines, with
 * its `<pre>` markup closed and reopened.
 */
export function splitTelegramHtml(html: string, limit: number = TELEGRAM_CHUNK_LIMIT): string[] {
  const atoms = tokenize(html);
  const pres = preSizes(atoms);
  const chunks: string[] = [];
  let i = 0;
  let stack: Open[] = [];

  const breakRank = (j: number, after: Open[]): number => {
    const a = atoms[j];
    if (a.kind === 'open') return -1;
    // Inside a code block that fits on its own there is no break point at all.
    const pre = after.find((o) => o.atom.name === 'pre');
    if (pre && (pres.get(pre.index) ?? Infinity) + closingLength(after) <= limit) return -1;
    const next = atoms[j + 1];
    if (next?.kind === 'close') return -1; // split after the close instead: no empty tag pair
    if (a.kind === 'close') return 0;
    if (a.ch === '\n') {
      if (next?.ch === '\n') return -1;
      return after.length === 0 && atoms[j - 1]?.ch === '\n' ? 4 : 3;
    }
    if (/\s/.test(a.ch)) return SENTENCE_END.test(atoms[j - 1]?.ch ?? '') ? 2 : 1;
    return 0;
  };

  while (i < atoms.length) {
    // A chunk never starts with the blank lines it was split at.
    while (i < atoms.length && stack.length === 0 && atoms[i].kind === 'text' && /\s/.test(atoms[i].ch)) i++;
    if (i >= atoms.length) break;
    const prefix = stack.map((o) => o.atom.raw).join('');
    let len = prefix.length;
    let cur = stack;
    let hasText = false;
    const best: (Candidate | undefined)[] = [];
    let j = i;
    for (; j < atoms.length; j++) {
      const a = atoms[j];
      const next = apply(cur, a, j);
      if (hasText && len + a.raw.length + closingLength(next) > limit) break;
      len += a.raw.length;
      cur = next;
      if (a.kind === 'text') hasText = true;
      const rank = hasText ? breakRank(j, cur) : -1;
      if (rank >= 0) best[rank] = { end: j + 1, stack: cur, len };
    }
    const body = (end: number) => atoms.slice(i, end).map((a) => a.raw).join('');
    if (j >= atoms.length) {
      chunks.push(prefix + body(j) + closingOf(cur));
      break;
    }
    const pick =
      [4, 3, 2, 1].map((r) => best[r]).find((c) => c && c.len >= limit / 2) ??
      [4, 3, 2, 1, 0].map((r) => best[r]).find((c) => c !== undefined) ?? { end: j, stack: cur, len };
    chunks.push((prefix + body(pick.end)).trimEnd() + closingOf(pick.stack));
    i = pick.end;
    stack = pick.stack;
  }
  return chunks.filter((c) => c.replace(/<[^>]*>/g, '').trim() !== '');
}
