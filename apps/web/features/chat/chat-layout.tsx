'use client';
import { useParams, usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { ConversationList } from './conversation-list';
import { ChatShortcuts } from './help-overlay';

/** The list beside the open conversation (or the new-conversation screen); on a phone, one or the other. */
export function ChatLayout({ children }: { children: ReactNode }) {
  const params = useParams<{ sessionId?: string }>();
  const pathname = usePathname();
  const activeId = params?.sessionId ?? null;
  const open = activeId || pathname === '/chat/new';
  return (
    <div className="chat" data-open={open ? 'conversation' : 'list'}>
      <ConversationList activeId={activeId} />
      <div className="chat__pane">{children}</div>
      <ChatShortcuts />
    </div>
  );
}
