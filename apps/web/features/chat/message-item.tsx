'use client';
import { memo } from 'react';
import type { Message } from '@switchboard/protocol';
import { formatTokens, modelLine, relativeTime } from '../../lib/format';
import { AlertIcon, CpuIcon } from '../shell/icons';
import { MessageBody } from './message-body';
import { SystemEvent } from './system-event';

function Time({ at }: { at: string }) {
  return (
    <time className="msg__time" dateTime={at} title={new Date(at).toLocaleString()}>
      {relativeTime(at)}
    </time>
  );
}

function AssistantMessage({ message }: { message: Message }) {
  const streaming = message.status === 'streaming';
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
        {message.status === 'interrupted' ? <span className="pill pill--muted">stopped</span> : null}
        {message.status === 'error' ? <span className="pill pill--error">failed</span> : null}
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
      <div className="msg__body">
        <MessageBody message={message} />
      </div>
      {message.status === 'interrupted' ? <p className="msg__note">Stopped before the end — the partial reply is kept.</p> : null}
      {message.usage && !streaming ? (
        <footer className="msg__usage" title={`${message.usage.inputTokens} in · ${message.usage.outputTokens} out · ${message.usage.cachedTokens} cached`}>
          {formatTokens(message.usage.inputTokens + message.usage.outputTokens)} tokens
        </footer>
      ) : null}
    </article>
  );
}

/** One transcript item; memoised on the message object, which the cache keeps stable until it changes. */
export const MessageItem = memo(function MessageItem({ message }: { message: Message }) {
  if (message.kind === 'command_reply') {
    return (
      <div className="msg msg--command-reply" data-kind="command_reply">
        <pre>{message.content}</pre>
        <span className="msg__hint">Only you see this · not part of the conversation</span>
      </div>
    );
  }
  if (message.role === 'system') return <SystemEvent message={message} />;
  if (message.role === 'user') {
    return (
      <div className={`msg msg--user${message.kind === 'command' ? ' msg--command' : ''}`} data-message-id={message.id}>
        <div className="msg__bubble">{message.content}</div>
        <Time at={message.createdAt} />
      </div>
    );
  }
  return <AssistantMessage message={message} />;
});
