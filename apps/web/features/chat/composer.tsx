'use client';
import { forwardRef, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { completeSlash, slashMatches, type SlashItem } from '../../lib/slash-menu';
import { PaperclipIcon, SendIcon, StopIcon } from '../shell/icons';
import { ATTACHMENT_ACCEPT, DraftFiles, type AttachmentDraft } from './attachments';

export const MAX_MESSAGE_CHARS = 100_000;

export interface ComposerHandle {
  focus(): void;
}

export interface ComposerProps {
  /** Sends the text; rejects to keep the text in the box (the error is shown by the caller). */
  onSend(text: string): Promise<void>;
  onStop(): void;
  /** A reply is streaming: show Stop; sending still works (the message is queued). */
  running: boolean;
  disabled?: boolean;
  placeholder?: string;
  /** Files for the next message (attach button, paste); absent where files cannot be sent. */
  draft?: AttachmentDraft;
}

/** The message box: Enter sends, Shift+Enter adds a line, it grows with its text. */
export const Composer = forwardRef<ComposerHandle, ComposerProps>(function Composer({ onSend, onStop, running, disabled = false, placeholder, draft }, ref) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  // Files go with the text (or alone); not while one is still uploading or one was refused.
  const hasFiles = Boolean(draft?.files.some((f) => f.state === 'ready'));
  const filesBlock = draft?.uploading ? 'Wait for the files to upload' : draft?.failed ? 'Remove the files that could not be sent first' : null;
  // The slash menu: which entry is active, and whether Esc closed it for the text as typed.
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  useImperativeHandle(ref, () => ({ focus: () => box.current?.focus() }), []);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 260)}px`;
  }, [text]);

  const send = async () => {
    const value = text;
    if ((!value.trim() && !hasFiles) || filesBlock || sending || disabled) return;
    setSending(true);
    setText('');
    try {
      await onSend(value);
    } catch {
      setText((current) => (current === '' ? value : current));
    } finally {
      setSending(false);
      box.current?.focus();
    }
  };

  const matches = dismissed === text ? null : slashMatches(text);
  const open = matches !== null;
  const current = open ? Math.min(active, matches.length - 1) : 0;

  const activeId = open ? `slash-${matches[current].name}` : null;
  useEffect(() => {
    // Arrow keys move through a list taller than its box: keep the active entry in view.
    if (activeId) document.getElementById(activeId)?.scrollIntoView?.({ block: 'nearest' });
  }, [activeId]);

  const pick = (item: SlashItem) => {
    setText(completeSlash(item));
    setActive(0);
    box.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open && !e.nativeEvent.isComposing) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const step = e.key === 'ArrowDown' ? 1 : -1;
        setActive((current + step + matches.length) % matches.length);
        return;
      }
      if (e.key === 'Escape') {
        // Closes the menu only (a second Esc reaches the conversation: stop the reply).
        e.preventDefault();
        setDismissed(text);
        return;
      }
      const item = matches[current];
      // Tab completes; Enter completes too, unless the command is already typed in full (then it is sent).
      if (e.key === 'Tab' && !e.shiftKey) {
        e.preventDefault();
        pick(item);
        return;
      }
      if (e.key === 'Enter' && !e.shiftKey && !e.altKey && text.trim() !== `/${item.name}`) {
        e.preventDefault();
        pick(item);
        return;
      }
    }
    if (e.key !== 'Enter' || e.shiftKey || e.altKey || e.nativeEvent.isComposing) return;
    e.preventDefault();
    void send();
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      {open ? (
        <ul className="slash-menu" id="slash-menu" role="listbox" aria-label="Commands">
          {matches.map((item, i) => (
            <li
              key={item.name}
              id={`slash-${item.name}`}
              role="option"
              aria-selected={i === current}
              className={i === current ? 'is-active' : undefined}
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(i)}
              onClick={() => pick(item)}
            >
              <code>{item.usage}</code>
              <span>{item.description}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {draft ? <DraftFiles draft={draft} /> : null}
      <div className="composer__box">
        {draft ? (
          <>
            <button type="button" className="icon-button composer__attach" onClick={() => picker.current?.click()} disabled={disabled} aria-label="Attach files" title="Attach images or PDFs (or drop or paste them)">
              <PaperclipIcon size={18} />
            </button>
            <input
              ref={picker}
              type="file"
              multiple
              accept={ATTACHMENT_ACCEPT}
              hidden
              data-testid="attach-input"
              onChange={(e) => {
                const files = Array.from(e.target.files ?? []);
                e.target.value = '';
                if (files.length) draft.add(files);
                box.current?.focus();
              }}
            />
          </>
        ) : null}
        <label htmlFor="composer-input" className="visually-hidden">
          Message
        </label>
        <textarea
          id="composer-input"
          ref={box}
          rows={1}
          value={text}
          maxLength={MAX_MESSAGE_CHARS}
          placeholder={placeholder ?? (running ? 'Messages you send now are queued' : 'Message Switchboard')}
          onChange={(e) => {
            setText(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            // Pasted images (a screenshot) become files; pasted text stays text.
            const files = Array.from(e.clipboardData?.files ?? []);
            if (!draft || files.length === 0) return;
            e.preventDefault();
            draft.add(files);
          }}
          disabled={disabled}
          aria-describedby="composer-help"
          aria-autocomplete="list"
          aria-controls={open ? 'slash-menu' : undefined}
          aria-activedescendant={activeId ?? undefined}
        />
        <div className="composer__actions">
          {running ? (
            <button type="button" className="btn-round btn-round--stop" onClick={onStop} aria-label="Stop the reply" title="Stop">
              <StopIcon size={16} />
            </button>
          ) : null}
          <button
            type="submit"
            className="btn-round btn-round--send"
            disabled={(!text.trim() && !hasFiles) || Boolean(filesBlock) || sending || disabled}
            aria-label={running ? 'Queue message' : 'Send message'}
            title={filesBlock ?? (running ? 'Queue (Enter)' : 'Send (Enter)')}
          >
            <SendIcon size={16} />
          </button>
        </div>
      </div>
      <p id="composer-help" className="composer__help">
        <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line · <kbd>/</kbd> for commands · <kbd>Esc</kbd> stops a reply · <kbd>?</kbd> shortcuts
      </p>
    </form>
  );
});
