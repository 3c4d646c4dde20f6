import MarkdownIt from 'markdown-it';
import { escapeAttr, escapeHtml, htmlToPlain } from './html';

// Links Telegram opens safely; anything else (javascript:, data:, relative paths) becomes text.
const SAFE_LINK = /^(https?:\/\/|tg:\/\/|mailto:)/i;

const md = new MarkdownIt('default', { html: false, linkify: true, breaks: false });
// Only URLs with a scheme become links: `README.md`, `main.py` or `example.com` stay text
// (linkify-it's fuzzy matching takes any word ending in a top-level domain for a link).
md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
type Token = ReturnType<MarkdownIt['parse']>[number];

interface Node {
  token: Token;
  children: Node[];
}

/** Turns the flat token stream (nesting +1/-1) into a tree of block nodes. */
function buildTree(tokens: Token[]): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  for (const token of tokens) {
    if (token.nesting === 1) {
      const node: Node = { token, children: [] };
      stack[stack.length - 1].push(node);
      stack.push(node.children);
    } else if (token.nesting === -1) {
      if (stack.length > 1) stack.pop();
    } else {
      stack[stack.length - 1].push({ token, children: [] });
    }
  }
  return root;
}

interface RenderState {
  /** Telegram forbids nested blockquotes: inner ones render as plain text. */
  inQuote: boolean;
}

function renderInline(tokens: Token[] | null): string {
  let out = '';
  // Each open link pushes whether it became a real <a> (unsafe links stay text).
  const links: boolean[] = [];
  for (const t of tokens ?? []) {
    const inLink = links.includes(true);
    switch (t.type) {
      case 'text':
        out += escapeHtml(t.content);
        break;
      case 'softbreak':
      case 'hardbreak':
        out += '\n';
        break;
      case 'strong_open':
        out += '<b>';
        break;
      case 'strong_close':
        out += '</b>';
        break;
      case 'em_open':
        out += '<i>';
        break;
      case 'em_close':
        out += '</i>';
        break;
      case 's_open':
        out += '<s>';
        break;
      case 's_close':
        out += '</s>';
        break;
      case 'code_inline':
        // Telegram's code entity cannot sit inside a link.
        out += inLink ? escapeHtml(t.content) : `<code>${escapeHtml(t.content)}</code>`;
        break;
      case 'link_open': {
        const href = t.attrGet('href') ?? '';
        const ok = !inLink && SAFE_LINK.test(href);
        links.push(ok);
        if (ok) out += `<a href="${escapeAttr(href)}">`;
        break;
      }
      case 'link_close':
        if (links.pop()) out += '</a>';
        break;
      case 'image': {
        const src = t.attrGet('src') ?? '';
        const alt = t.content || 'image';
        out += SAFE_LINK.test(src) && !inLink ? `<a href="${escapeAttr(src)}">${escapeHtml(alt)}</a>` : escapeHtml(alt);
        break;
      }
      default:
        // html_inline and anything unknown: shown as the text it is.
        out += escapeHtml(t.content);
    }
  }
  return out;
}

function inlineOf(node: Node): Token[] | null {
  const inline = node.children.find((c) => c.token.type === 'inline');
  return inline?.token.children ?? null;
}

function renderCode(content: string, info: string): string {
  const code = escapeHtml(content.replace(/\n$/, ''));
  const lang = /^[A-Za-z0-9_+#-]{1,32}$/.exec(info.trim().split(/\s+/)[0] ?? '')?.[0];
  return lang ? `<pre><code class="language-${lang}">${code}</code></pre>` : `<pre>${code}</pre>`;
}

function renderTable(node: Node): string {
  const rows: string[][] = [];
  const walk = (n: Node) => {
    if (n.token.type === 'tr_open') rows.push(n.children.map((cell) => htmlToPlain(renderInline(inlineOf(cell))).trim()));
    else n.children.forEach(walk);
  };
  node.children.forEach(walk);
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  const line = (row: string[]) => row.map((cell, i) => cell + ' '.repeat(widths[i] - [...cell].length)).join(' | ').trimEnd();
  const lines = rows.map(line);
  if (lines.length > 1) lines.splice(1, 0, widths.map((w) => '-'.repeat(Math.max(w, 1))).join('-|-'));
  return `<pre>${escapeHtml(lines.join('\n'))}</pre>`;
}

function renderList(node: Node, state: RenderState, depth: number): string {
  const ordered = node.token.type === 'ordered_list_open';
  let n = Number(node.token.attrGet('start') ?? 1);
  const indent = '  '.repeat(depth);
  const items: string[] = [];
  for (const item of node.children) {
    if (item.token.type !== 'list_item_open') continue;
    const marker = ordered ? `${n++}. ` : '• ';
    const parts = item.children
      .map((child, i) => {
        const isList = child.token.type === 'bullet_list_open' || child.token.type === 'ordered_list_open';
        if (isList) return renderList(child, state, depth + 1);
        const block = renderBlock(child, state, depth + 1);
        // Blocks after the first (a second paragraph, a code block) go on their own, indented lines.
        return i === 0 || block === '' ? block : `${indent}  ${block}`;
      })
      .filter((p) => p !== '');
    items.push(indent + marker + parts.join('\n'));
  }
  return items.join('\n');
}

function renderBlock(node: Node, state: RenderState, depth = 0): string {
  const t = node.token;
  switch (t.type) {
    case 'paragraph_open':
      return renderInline(inlineOf(node));
    case 'heading_open':
      return `<b>${renderInline(inlineOf(node))}</b>`;
    case 'inline':
      return renderInline(t.children);
    case 'blockquote_open': {
      if (state.inQuote) return renderBlocks(node.children, state, depth);
      const inner = renderBlocks(node.children, { ...state, inQuote: true }, depth);
      return inner ? `<blockquote>${inner}</blockquote>` : '';
    }
    case 'bullet_list_open':
    case 'ordered_list_open':
      return renderList(node, state, depth);
    case 'fence':
      return renderCode(t.content, t.info);
    case 'code_block':
      return renderCode(t.content, '');
    case 'hr':
      return '———';
    case 'table_open':
      return renderTable(node);
    case 'html_block':
      return escapeHtml(t.content.replace(/\n+$/, ''));
    default:
      return renderBlocks(node.children, state, depth);
  }
}

function renderBlocks(nodes: Node[], state: RenderState, depth: number): string {
  // Tight list items hide their paragraphs: one newline between them, else a blank line.
  return nodes
    .map((n) => renderBlock(n, state, depth))
    .filter((s) => s.trim() !== '')
    .join(depth > 0 ? '\n' : '\n\n');
}

/**
 * Converts a model's Markdown to the HTML subset Telegram accepts (b, i, s, code, pre, a,
 * blockquote), everything else escaped: headings become bold, lists get bullets, tables a
 * monospaced block, unsafe links plain text.
 */
export function markdownToTelegramHtml(markdown: string): string {
  const tree = buildTree(md.parse(markdown, {}));
  return renderBlocks(tree, { inQuote: false }, 0).trim();
}
