'use client';
import { memo, useState } from 'react';
import type { Message } from '@switchboard/protocol';
import { describeTurnError } from '@switchboard/session';
import { formatTokens, modelLine, relativeTime } from '../../lib/format';
import { reasoningKey, useStreamText } from '../../lib/stream-store';
import { shownStatus, turnErrorOf } from '../../lib/transcript';
import { AlertIcon, CpuIcon } from '../shell/icons';
import { MessageBody } from './message-body';
import { CopyButton, EditBox, EditButton, RetryControls } from './message-actions';
import { SystemEvent } from './system-event';
import { SenderName } from './sender-name';
import { ToolCalls } from './tool-calls';
import { MessageFiles } from './attachments';

function Time({ at }: { at: string }) {
  return (
    <time className="msg__time" dateTime={at} title={new Date(at).toLocaleString()}>
      {relativeTime(at)}
    </time>
  );
}

/** A failed reply in words (provider unreachable, bad key, rate limited, context too long), the raw error one click away. */
function ReplyError({ message, error }: { message: Message; error: Message | null }) {
  const info = turnErrorOf(error);
  const { title, hint } = describeTurnError(info?.kind ?? 'unknown', message.modelLabel ?? message.modelConfigId);
  return (
    <div className="msg__error" role="group" aria-label="The reply failed" data-testid="reply-error" data-error-kind={info?.kind ?? 'unknown'}>
      <p className="msg__error-title">
        <AlertIcon size={15} /> {message.content ? 'The reply was cut off: ' : ''}
        {title}
      </p>
      <p className="msg__error-hint">{hint}</p>
      {info?.detail ? (
        <details className="msg__error-detail">
          <summary>Technical details</summary>
          <code>{info.detail}</code>
        </details>
      ) : null}
    </div>
  );
}

/** A reasoning model's thinking, kept apart from the reply: collapsed until asked for. */
function Reasoning({ message }: { message: Message }) {
  if (message.status === 'streaming') return <StreamingReasoning messageId={message.id} />;
  const text = message.parts
    .filter((p) => p.type === 'reasoning')
    .map((p) => p.text)
    .join('\n\n');
  return text ? <ReasoningDetails text={text} live={false} /> : null;
}

/** The reasoning as it streams: only this component re-renders with it. */
function StreamingReasoning({ messageId }: { messageId: string }) {
  const text = useStreamText(reasoningKey(messageId));
  return text ? <ReasoningDetails text={text} live /> : null;
}

function ReasoningDetails({ text, live }: { text: string; live: boolean }) {
  return (
    <details className="msg__reasoning" data-testid="reasoning">
      <summary>{live ? 'Reasoning…' : 'Reasoning'}</summary>
      <p className="msg__reasoning-text">{text}</p>
    </details>
  );
}

function AssistantMessage({ message, error, archived }: { message: Message; error: Message | null; archived: boolean }) {
  // An archived attempt shows what it was (failed, stopped, complete), inside its archive row.
  const status = shownStatus(message);
  const streaming = status === 'streaming';
  const failed = status === 'error' || (status === 'interrupted' && error !== null);
  // Retry / Regenerate render on every reply and CSS shows them on the last one only: a new turn
  // then changes no earlier message's DOM (the transcript never re-renders while a reply streams).
  const retryable = !archived && !streaming;
  const retryLabel = status === 'error' || status === 'interrupted' ? 'Retry' : 'Regenerate';
  return (
    <article className="msg msg--assistant" data-status={message.status} data-message-id={message.id} aria-label="Assistant reply">
      <header className="msg__meta">
        <span className="msg__avatar" aria-hidden>
          <CpuIcon size={14} />
        </span>
        <span className="msg__model" data-testid="message-model">
          {modelLine(message.modelLabel ?? message.modelConfigId, message.modelSource)}
        </span>
        {streaming ? <span className="pill pill--live">streaming</span> : null}
        {status === 'interrupted' ? <span className="pill pill--muted">stopped</span> : null}
        {status === 'error' ? <span className="pill pill--error">failed</span> : null}
        {archived ? <span className="pill pill--muted">archived</span> : null}
        {!streaming ? <Time at={message.createdAt} /> : null}
      </header>
      {message.warnings.length > 0 ? (
        <ul className="msg__warnings">
          {message.warnings.map((w) => (
            <li key={w}>
              <AlertIcon size={13} /> {w}
            </li>
          ))}
        </ul>
      ) : null}
      <Reasoning message={message} />
      <ToolCalls message={message} />
      {status !== 'error' || message.content ? (
        <div className="msg__body">
          <MessageBody message={message} />
        </div>
      ) : null}
      {failed ? <ReplyError message={message} error={error} /> : null}
      {status === 'interrupted' && !failed ? <p className="msg__note">Stopped before the end — the partial reply is kept.</p> : null}
      {!streaming ? (
        <footer className="msg__foot">
          {message.usage ? (
            <span className="msg__usage" title={`${message.usage.inputTokens} in · ${message.usage.outputTokens} out · ${message.usage.cachedTokens} cached`}>
              {formatTokens(message.usage.inputTokens + message.usage.outputTokens)} tokens
            </span>
          ) : null}
          {!archived ? (
            <span className={`msg__actions${failed ? ' msg__actions--shown' : ''}`}>
              {message.content ? <CopyButton message={message} /> : null}
              {retryable ? <RetryControls message={message} label={retryLabel} /> : null}
            </span>
          ) : null}
        </footer>
      ) : null}
    </article>
  );
}

function UserMessage({ message, archived }: { message: Message; archived: boolean }) {
  const [editing, setEditing] = useState(false);
  const command = message.kind === 'command';
  const local = message.id.startsWith('local-');
  if (editing) {
    return (
      <div className="msg msg--user msg--editing" data-message-id={message.id}>
        <EditBox message={message} onDone={() => setEditing(false)} />
      </div>
    );
  }
  return (
    <div className={`msg msg--user${command ? ' msg--command' : ''}`} data-message-id={message.id}>
      <SenderName message={message} />
      {message.attachments?.length ? <MessageFiles sessionId={message.sessionId} files={message.attachments} /> : null}
      {message.content || !message.attachments?.length ? <div className="msg__bubble">{message.content}</div> : null}
      <div className="msg__user-foot">
        {!archived && !local ? (
          <span className="msg__actions">
            <CopyButton message={message} />
            {!command ? <EditButton onEdit={() => setEditing(true)} /> : null}
          </span>
        ) : null}
        <Time at={message.createdAt} />
      </div>
    </div>
  );
}

/** One transcript item; memoised on the message object, which the cache keeps stable until it changes. */
export const MessageItem = memo(function MessageItem({ message, error = null, archived = false }: { message: Message; error?: Message | null; archived?: boolean }) {
  if (message.kind === 'command_reply') {
    return (
      <div className="msg msg--command-reply" data-kind="command_reply">
        <pre>{message.content}</pre>
        <span className="msg__hint">Only shown in this tab · commands and their answers are not saved in the conversation</span>
      </div>
    );
  }
  if (message.role === 'system') return <SystemEvent message={message} />;
  if (message.role === 'user') return <UserMessage message={message} archived={archived} />;
  return <AssistantMessage message={message} error={error} archived={archived} />;
});
