'use client';
import { memo, useMemo } from 'react';
import { canRenderInBlocks, splitMarkdownBlocks } from '../../lib/markdown-blocks';
import { Markdown } from './markdown';

/**
 * A message's Markdown, rendered block by block. Each block is memoised on its text, so while a
 * reply streams only the growing last block is parsed again, and when it completes the blocks
 * already on screen are kept as they are (only blocks with code re-render, to be highlighted).
 */
export const MarkdownDocument = memo(function MarkdownDocument({ text, streaming = false }: { text: string; streaming?: boolean }) {
  const blocks = useMemo(() => (canRenderInBlocks(text) ? splitMarkdownBlocks(text) : [text]), [text]);
  if (streaming && !text) {
    return (
      <div className="typing" aria-label="Writing a reply">
        <span />
        <span />
        <span />
      </div>
    );
  }
  return (
    <div className="md-doc" data-streaming={streaming ? 'true' : undefined}>
      {blocks.map((block, i) => (
        <Markdown key={i} text={block} highlight={!streaming && block.includes('```')} />
      ))}
      {streaming ? <span className="stream__caret" aria-hidden /> : null}
    </div>
  );
});
