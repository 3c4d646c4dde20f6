'use client';
import { ChatIcon, PlusIcon } from '../shell/icons';
import { usePreloadMarkdown } from './markdown';
import { useStartConversation } from './use-start-conversation';

/** The right pane when no conversation is open. */
export function ChatHome() {
  usePreloadMarkdown();
  const { start, busy, error } = useStartConversation();
  return (
    <div className="empty-chat empty-chat--home">
      <ChatIcon size={32} />
      <h2>Pick a conversation</h2>
      <p className="muted">Conversations from the web, Telegram and the API all appear here, live.</p>
      <button type="button" className="btn btn--primary" onClick={start} disabled={busy}>
        <PlusIcon size={16} /> New conversation
      </button>
      {error ? (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
