/** What the lazily loaded Markdown renderer takes (shared by the loader and the renderer, so neither imports the other). */
export interface MarkdownRendererProps {
  text: string;
  /** Highlight fenced code (finished messages only; loads highlight.js on first use). */
  highlight?: boolean;
}
