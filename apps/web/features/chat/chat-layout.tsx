'use client';
import { useParams } from 'next/navigation';
import type { ReactNode } from 'react';
import { ConversationList } from './conversation-list';

/** The list beside the open conversation; on a phone, one or the other. */
export function ChatLayout({ children }: { children: ReactNode }) {
  const params = useParams<{ sessionId?: string }>();
  const activeId = params?.sessionId ?? null;
  return (
    <div className="chat" data-open={activeId ? 'conversation' : 'list'}>
      <ConversationList activeId={activeId} />
      <div className="chat__pane">{children}</div>
    </div>
  );
}
