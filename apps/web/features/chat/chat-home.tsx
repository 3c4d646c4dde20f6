'use client';
import Link from 'next/link';
import { ChatIcon, PlusIcon } from '../shell/icons';
import { usePreloadMarkdown } from './markdown';

/** The right pane when no conversation is open. */
export function ChatHome() {
  usePreloadMarkdown();
  return (
    <div className="empty-chat empty-chat--home">
      <ChatIcon size={32} />
      <h2>Pick a conversation</h2>
      <p className="muted">Conversations from the web, Telegram and the API all appear here, live.</p>
      <Link href="/chat/new" className="btn btn--primary">
        <PlusIcon size={16} /> New conversation
      </Link>
    </div>
  );
}
