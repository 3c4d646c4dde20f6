'use client';
import { createContext, useContext, useEffect, useRef, useState } from 'react';
import type { Message } from '@switchboard/protocol';
import { messageMarkdown } from '../../lib/transcript';
import { CheckIcon, EditIcon, RefreshIcon } from '../shell/icons';

/** What the transcript's messages can do, provided by the conversation. */
export interface MessageActions {
  /** Retry a failed or stopped reply, or regenerate the latest one; `model` to use another. */
  retry(messageId: string, model?: string): Promise<void>;
  /** Edit a user message and resend it (the later turns are archived). */
  edit(messageId: string, text: string): Promise<void>;
  /** A reply is being written: a retry or an edit now is refused (SESSION_BUSY, said on the composer). */
  busy: boolean;
  models: ReadonlyArray<{ id: string; label: string }>;
}

export const MessageActionsContext = createContext<MessageActions | null>(null);

export function useMessageActions(): MessageActions | null {
  return useContext(MessageActionsContext);
}

/** Copies text, also on plain-HTTP LAN access where the Clipboard API is not available. */
async function copyText(text: string): Promise<void> {
  if (typeof navigator !== 'undefined' && navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

export function CopyButton({ message }: { message: Message }) {
  const [copied, setCopied] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  return (
    <button
      type="button"
      className="msg-action"
      data-testid="copy-message"
      aria-label={copied ? 'Copied as Markdown' : 'Copy as Markdown'}
      title="Copy as Markdown"
      onClick={() => {
        void copyText(messageMarkdown(message)).then(() => {
          setCopied(true);
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      {copied ? <CheckIcon size={14} /> : <CopyGlyph />}
      <span>{copied ? 'Copied' : 'Copy'}</span>
    </button>
  );
}

function CopyGlyph() {
  return (
    <svg width={14} height={14} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <rect x="8" y="8" width="12" height="12" rx="2" />
      <path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2" />
    </svg>
  );
}

/** Retry (or Regenerate) with the same model, or pick another one for this attempt. */
export function RetryControls({ message, label }: { message: Message; label: string }) {
  const actions = useMessageActions();
  const [pending, setPending] = useState(false);
  if (!actions) return null;
  const run = (model?: string) => {
    if (pending) return;
    setPending(true);
    actions.retry(message.id, model).finally(() => setPending(false));
  };
  const others = actions.models.filter((m) => m.id !== message.modelConfigId);
  return (
    <span className="retry-controls msg__retry">
      <button type="button" className="msg-action" data-testid="retry-message" onClick={() => run()} disabled={pending} title={`${label} with the same model`}>
        <RefreshIcon size={14} />
        <span>{label}</span>
      </button>
      {others.length > 0 ? (
        <select
          className="msg-action msg-action--select"
          aria-label={`${label} with another model`}
          data-testid="retry-with-model"
          value=""
          disabled={pending}
          onChange={(e) => {
            if (e.target.value) run(e.target.value);
          }}
        >
          <option value="">with…</option>
          {others.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </select>
      ) : null}
    </span>
  );
}

export function EditButton({ onEdit }: { onEdit: () => void }) {
  const actions = useMessageActions();
  if (!actions) return null;
  return (
    <button type="button" className="msg-action" data-testid="edit-message" onClick={onEdit} title="Edit and resend">
      <EditIcon size={14} />
      <span>Edit</span>
    </button>
  );
}

/** A user message being edited: Enter (or Save) resends, Esc cancels; the later turns are archived, not lost. */
export function EditBox({ message, onDone }: { message: Message; onDone: () => void }) {
  const actions = useMessageActions();
  const [text, setText] = useState(message.content);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const save = async () => {
    if (!actions || !text.trim() || pending) return;
    setPending(true);
    setError(null);
    try {
      await actions.edit(message.id, text);
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setPending(false);
    }
  };
  return (
    <form
      className="msg-edit"
      data-testid="edit-box"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label className="visually-hidden" htmlFor={`edit-${message.id}`}>
        Edit your message
      </label>
      <textarea
        id={`edit-${message.id}`}
        ref={box}
        value={text}
        rows={Math.min(8, Math.max(2, text.split('\n').length))}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onDone();
          } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void save();
          }
        }}
      />
      <p className="msg-edit__hint">The conversation continues from here; the replies after it are kept in an archive.</p>
      {error ? (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="msg-edit__buttons">
        <button type="button" className="btn btn--ghost btn--sm" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn--primary btn--sm" disabled={!text.trim() || pending || actions?.busy}>
          Save and send
        </button>
      </div>
    </form>
  );
}
