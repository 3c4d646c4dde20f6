import type { Snippet } from '@switchboard/protocol';

/** Splits a snippet into plain and highlighted pieces (ranges clamped, overlaps and bad ranges dropped). */
export function snippetPieces(snippet: Snippet): Array<{ text: string; mark: boolean }> {
  const out: Array<{ text: string; mark: boolean }> = [];
  const { text } = snippet;
  let at = 0;
  const ranges = [...snippet.highlights].sort((a, b) => a[0] - b[0]);
  for (const [rawStart, rawEnd] of ranges) {
    const start = Math.max(at, Math.min(rawStart, text.length));
    const end = Math.min(Math.max(rawEnd, start), text.length);
    if (end <= start) continue;
    if (start > at) out.push({ text: text.slice(at, start), mark: false });
    out.push({ text: text.slice(start, end), mark: true });
    at = end;
  }
  if (at < text.length) out.push({ text: text.slice(at), mark: false });
  return out;
}

/** A search snippet as text with <mark>s: React escapes every piece, so no HTML from a message is ever rendered. */
export function Highlighted({ snippet }: { snippet: Snippet }) {
  return (
    <>
      {snippetPieces(snippet).map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </>
  );
}
