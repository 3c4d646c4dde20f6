'use client';
import { memo, useEffect, useState, type ComponentProps, type ReactNode } from 'react';
import ReactMarkdown, { type Components, type Options } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import type { MarkdownRendererProps } from './markdown.types';

type Highlighter = NonNullable<Options['rehypePlugins']>;
let highlighter: Highlighter | null = null;
let highlighterPromise: Promise<Highlighter> | null = null;

/** highlight.js (via rehype-highlight) loads on the first finished message that has code. */
function loadHighlighter(): Promise<Highlighter> {
  highlighterPromise ??= import('rehype-highlight').then((m) => {
    highlighter = [[m.default, { detect: false, plainText: ['text', 'txt', 'plain'] }]];
    return highlighter;
  });
  return highlighterPromise;
}

function useHighlighter(wanted: boolean): Highlighter | undefined {
  const [plugins, setPlugins] = useState<Highlighter | null>(highlighter);
  useEffect(() => {
    if (!wanted || plugins) return;
    let live = true;
    loadHighlighter().then(
      (p) => live && setPlugins(p),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [wanted, plugins]);
  return wanted && plugins ? plugins : undefined;
}

function textOf(node: ReactNode): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  if (node && typeof node === 'object' && 'props' in node) return textOf((node as { props: { children?: ReactNode } }).props.children);
  return '';
}

function CodeBlock({ children, ...rest }: ComponentProps<'pre'>) {
  const [copied, setCopied] = useState(false);
  const child = Array.isArray(children) ? children[0] : children;
  const className = (child as { props?: { className?: string } })?.props?.className ?? '';
  const lang = /language-([\w+-]+)/.exec(className)?.[1];
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(textOf(children).replace(/\n$/, ''));
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // clipboard refused (insecure context): nothing to do
    }
  };
  return (
    <div className="codeblock">
      <div className="codeblock__bar">
        <span>{lang ?? 'code'}</span>
        <button type="button" className="codeblock__copy" onClick={copy} aria-label="Copy code">
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <pre {...rest}>{children}</pre>
    </div>
  );
}

const components: Components = {
  pre: ({ node: _node, ...props }) => <CodeBlock {...props} />,
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer" />,
  table: ({ node: _node, ...props }) => (
    <div className="md__table">
      <table {...props} />
    </div>
  ),
};

const remarkPlugins = [remarkGfm];

/** Markdown (GFM) without raw HTML, links opening in a new tab, code with a copy button. */
export const MarkdownRenderer = memo(function MarkdownRenderer({ text, highlight = false }: MarkdownRendererProps) {
  const rehypePlugins = useHighlighter(highlight && text.includes('```'));
  return (
    <div className="md">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
});
