'use client';
import { memo } from 'react';
import type { Message } from '@switchboard/protocol';
import { useStreamText, type StreamStore } from '../../lib/stream-store';
import { MarkdownDocument } from './markdown-document';

/**
 * The body of an assistant message. While the reply streams, its text comes from the stream
 * store: this component alone subscribes, so deltas re-render it (at most once per frame) and
 * nothing else. When the reply completes, the same MarkdownDocument gets the final text, and
 * the blocks already rendered stay as they are.
 */
export const MessageBody = memo(function MessageBody({ message, store }: { message: Message; store?: StreamStore }) {
  const streaming = message.status === 'streaming';
  const streamed = useStreamText(message.id, store);
  const text = streaming ? (streamed.length >= message.content.length ? streamed : message.content) : message.content;
  return <MarkdownDocument text={text} streaming={streaming} />;
});
