'use client';
import { useEffect, useRef, useState } from 'react';

/** "More" (three dots), drawn here to keep the shared icon set untouched. */
export function DotsIcon({ size = 16 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="currentColor" aria-hidden>
      <circle cx="5" cy="12" r="1.8" />
      <circle cx="12" cy="12" r="1.8" />
      <circle cx="19" cy="12" r="1.8" />
    </svg>
  );
}

export interface MenuItem {
  id: string;
  label: string;
  danger?: boolean;
  /** A link (a download) instead of an action. */
  href?: string;
  onSelect?: () => void;
}

/** A small popup menu behind a "More" button: arrow keys move, Escape closes and returns focus. */
export function ActionMenu({ label, items, testId, align = 'end' }: { label: string; items: MenuItem[]; testId?: string; align?: 'start' | 'end' }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const close = (e: MouseEvent) => {
      if (!menu.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const entries = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      setOpen(false);
      button.current?.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (at + (e.key === 'ArrowDown' ? 1 : -1) + entries.length) % entries.length;
      entries[next]?.focus();
    } else if (e.key === 'Tab') setOpen(false);
  };

  return (
    <div className="action-menu">
      <button
        ref={button}
        type="button"
        className="icon-button action-menu__button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={(e) => {
          e.preventDefault();
          setOpen((o) => !o);
        }}
        data-testid={testId}
      >
        <DotsIcon />
      </button>
      {open ? (
        <div ref={menu} className={`action-menu__list action-menu__list--${align}`} role="menu" aria-label={label} onKeyDown={onKeyDown}>
          {items.map((item) =>
            item.href ? (
              <a key={item.id} role="menuitem" className="action-menu__item" href={item.href} download onClick={() => setOpen(false)} data-testid={`menu-${item.id}`}>
                {item.label}
              </a>
            ) : (
              <button
                key={item.id}
                type="button"
                role="menuitem"
                className={`action-menu__item${item.danger ? ' is-danger' : ''}`}
                onClick={() => {
                  setOpen(false);
                  item.onSelect?.();
                }}
                data-testid={`menu-${item.id}`}
              >
                {item.label}
              </button>
            ),
          )}
        </div>
      ) : null}
    </div>
  );
}
