'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { CloseIcon } from '../shell/icons';

/** The keyboard shortcuts of a conversation; `mod` is Ctrl (⌘ on a Mac). */
export const SHORTCUTS: ReadonlyArray<{ keys: string[]; what: string }> = [
  { keys: ['Enter'], what: 'Send the message' },
  { keys: ['Shift', 'Enter'], what: 'New line' },
  { keys: ['/'], what: 'Commands (in the message box): ↑ ↓ to choose, Tab or Enter to complete' },
  { keys: ['Esc'], what: 'Stop the reply being written' },
  { keys: ['mod', 'Shift', 'O'], what: 'New conversation' },
  { keys: ['mod', 'K'], what: 'Search conversations' },
  { keys: ['?'], what: 'This list (when not typing)' },
];

/** Where focus is typing text: `?` types a question mark there rather than opening the help. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** The conversation list's search box (its data attribute, else its filter input). */
function searchBox(): HTMLElement | null {
  return document.querySelector<HTMLElement>('[data-conversation-search], #conversation-search, .sidebar__search input');
}

/** Esc stops the streaming reply (unless a dialog is open, or something nearer used the key). */
export function useEscapeToStop(running: boolean, stop: () => void): void {
  const ref = useRef({ running, stop });
  ref.current = { running, stop };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || e.isComposing || !ref.current.running) return;
      if (document.querySelector('[role="dialog"][aria-modal="true"]')) return;
      e.preventDefault();
      ref.current.stop();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

/**
 * The chat's global keys, on the list, the new-conversation screen and a conversation alike:
 * mod+Shift+O starts a conversation (the list's own New button, so its rules apply), mod+K
 * focuses search, `?` (when not typing) opens the shortcuts.
 */
export function ChatShortcuts() {
  const [helpOpen, setHelpOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.shiftKey && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        document.querySelector<HTMLElement>('[data-testid="new-chat"]')?.click();
        return;
      }
      if (mod && !e.shiftKey && e.key.toLowerCase() === 'k') {
        const box = searchBox();
        if (box) {
          e.preventDefault();
          box.focus();
        }
        return;
      }
      if (e.key === '?' && !mod && !e.altKey && !isTyping(e.target)) {
        e.preventDefault();
        setHelpOpen(true);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const close = useCallback(() => setHelpOpen(false), []);
  return helpOpen ? <HelpOverlay onClose={close} /> : null;
}

function Keys({ keys }: { keys: string[] }) {
  const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
  return (
    <span className="keys">
      {keys.map((k, i) => (
        <span key={k}>
          {i > 0 ? <span className="keys__plus">+</span> : null}
          <kbd>{k === 'mod' ? (mac ? '⌘' : 'Ctrl') : k}</kbd>
        </span>
      ))}
    </span>
  );
}

/** The list of shortcuts, opened with `?`; Esc or the close button closes it and focus goes back. */
export function HelpOverlay({ onClose }: { onClose(): void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    close.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      before?.focus?.();
    };
  }, [onClose]);
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="help-dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" data-testid="help-overlay">
        <header className="help-dialog__head">
          <h2 id="help-title">Keyboard shortcuts</h2>
          <button ref={close} type="button" className="icon-button" onClick={onClose} aria-label="Close">
            <CloseIcon size={16} />
          </button>
        </header>
        <dl className="help-dialog__list">
          {SHORTCUTS.map((s) => (
            <div key={s.what} className="help-dialog__row">
              <dt>
                <Keys keys={s.keys} />
              </dt>
              <dd>{s.what}</dd>
            </div>
          ))}
        </dl>
        <p className="muted small">Hover or focus a message to copy it; your messages can be edited and resent, the latest reply retried or regenerated.</p>
      </div>
    </div>
  );
}
