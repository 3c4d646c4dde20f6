'use client';
import { forwardRef, useImperativeHandle, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { SendIcon, StopIcon } from '../shell/icons';

/** Commands every door understands (parsed by the API; listed here only as hints). */
export const COMMAND_HINTS: Array<{ command: string; help: string }> = [
  { command: '/model', help: 'show the model and why, or /model <name> to switch' },
  { command: '/model default', help: 'clear this conversation’s model' },
  { command: '/local', help: 'use the local tier' },
  { command: '/cloud', help: 'use the default cloud tier' },
  { command: '/reset', help: 'clear history and overrides' },
  { command: '/usage', help: 'tokens and cost so far' },
  { command: '/status', help: 'what is running' },
  { command: '/stop', help: 'stop the reply' },
  { command: '/help', help: 'everything you can type' },
];

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
}

/** The message box: Enter sends, Shift+Enter adds a line, it grows with its text. */
export const Composer = forwardRef<ComposerHandle, ComposerProps>(function Composer({ onSend, onStop, running, disabled = false, placeholder }, ref) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  useImperativeHandle(ref, () => ({ focus: () => box.current?.focus() }), []);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 260)}px`;
  }, [text]);

  const send = async () => {
    const value = text;
    if (!value.trim() || sending || disabled) return;
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

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key !== 'Enter' || e.shiftKey || e.altKey || e.nativeEvent.isComposing) return;
    e.preventDefault();
    void send();
  };

  const hints = text.startsWith('/') && !text.includes('\n') ? COMMAND_HINTS.filter((h) => h.command.startsWith(text.trim().split(' ')[0]) || text.trim() === '/') : [];

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      {hints.length > 0 ? (
        <ul className="composer__hints" aria-label="Commands">
          {hints.slice(0, 6).map((h) => (
            <li key={h.command}>
              <code>{h.command}</code> <span>{h.help}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="composer__box">
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
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          disabled={disabled}
          aria-describedby="composer-help"
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
            disabled={!text.trim() || sending || disabled}
            aria-label={running ? 'Queue message' : 'Send message'}
            title={running ? 'Queue (Enter)' : 'Send (Enter)'}
          >
            <SendIcon size={16} />
          </button>
        </div>
      </div>
      <p id="composer-help" className="composer__help">
        <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line · <kbd>/</kbd> for commands
      </p>
    </form>
  );
});
