'use client';
import { useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ModelInfo, ModelsResponse, Session, Tier } from '@switchboard/protocol';
import { sourceLabel } from '../../lib/format';
import { AlertIcon, CheckIcon, ChevronDownIcon } from '../shell/icons';

const TIER_ORDER: Record<Tier, number> = { fast: 0, default: 1, complex: 2, local: 3 };

/** The choices the picker offers: "follow the default" (clears the override), then each enabled model. */
export function pickerOptions(models: ModelsResponse | undefined): Array<{ id: string | null; model?: ModelInfo }> {
  const enabled = (models?.models ?? []).filter((m) => m.enabled);
  enabled.sort((a, b) => (a.tier ? TIER_ORDER[a.tier] : 9) - (b.tier ? TIER_ORDER[b.tier] : 9) || a.label.localeCompare(b.label));
  return [{ id: null }, ...enabled.map((m) => ({ id: m.id, model: m }))];
}

export interface ModelPickerProps {
  session: Pick<Session, 'modelOverride' | 'effectiveModel'>;
  models: ModelsResponse | undefined;
  /** Sets (an id) or clears (null) the session override. */
  onChange(modelId: string | null): Promise<void>;
}

/**
 * Shows the model the next reply will use and why ("Fake Quick · session override"), and lets
 * the user pin a model to this conversation or go back to following the default.
 */
export function ModelPicker({ session, models, onChange }: ModelPickerProps) {
  const [open, setOpen] = useState(false);
  const [active, setActiveState] = useState(0);
  // The highlighted option as of the last key: Enter reads it here, never from a stale render.
  const activeRef = useRef(0);
  const setActive = (i: number) => {
    activeRef.current = i;
    setActiveState(i);
  };
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const listId = useId();
  const options = useMemo(() => pickerOptions(models), [models]);
  const selectedIndex = Math.max(
    0,
    options.findIndex((o) => o.id === (session.modelOverride ?? null)),
  );

  const selectedRef = useRef(selectedIndex);
  selectedRef.current = selectedIndex;

  // Before paint: the list is focused by the time it shows, so a key pressed at once reaches it.
  // The highlight starts on the current choice when the list opens (not again while it is open).
  useLayoutEffect(() => {
    if (!open) return;
    activeRef.current = selectedRef.current;
    setActiveState(selectedRef.current);
    list.current?.focus();
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const choose = async (index: number) => {
    const option = options[index];
    setOpen(false);
    button.current?.focus();
    if (!option || option.id === (session.modelOverride ?? null)) return;
    setBusy(true);
    setError(null);
    try {
      await onChange(option.id);
    } catch (err) {
      setError((err as Error)?.message ?? 'Could not change the model.');
    } finally {
      setBusy(false);
    }
  };

  const onListKey = (e: KeyboardEvent<HTMLElement>) => {
    const last = options.length - 1;
    if (e.key === 'ArrowDown') setActive(Math.min(last, activeRef.current + 1));
    else if (e.key === 'ArrowUp') setActive(Math.max(0, activeRef.current - 1));
    else if (e.key === 'Home') setActive(0);
    else if (e.key === 'End') setActive(last);
    else if (e.key === 'Enter' || e.key === ' ') void choose(activeRef.current);
    else if (e.key === 'Escape' || e.key === 'Tab') {
      setOpen(false);
      if (e.key === 'Escape') button.current?.focus();
      return;
    } else return;
    e.preventDefault();
  };

  const eff = session.effectiveModel;
  const defaultLabel = models?.defaultModel.label ?? 'the default';
  return (
    <div className="picker" ref={root}>
      <button
        ref={button}
        type="button"
        className="picker__button"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          // Open: keys still landing on the button drive the list (focus may not have moved yet).
          if (open) onListKey(e);
          else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setOpen(true);
          }
        }}
        disabled={busy}
        data-testid="model-picker"
      >
        {/* The name is the visible text (axe: label-content-name-mismatch), framed for screen readers. */}
        <span className="visually-hidden">Model: </span>
        <span className="picker__label" data-testid="model-label">
          {eff.label}
        </span>
        <span className="visually-hidden">, </span>
        <span className="picker__source" data-testid="model-source">
          {sourceLabel(eff.source)}
        </span>
        <span className="visually-hidden">. Change model</span>
        {eff.warnings.length > 0 ? <AlertIcon size={14} className="picker__warn" title={eff.warnings.join('\n')} /> : null}
        <ChevronDownIcon size={14} />
      </button>
      {open ? (
        <ul
          ref={list}
          id={listId}
          className="picker__menu"
          role="listbox"
          tabIndex={-1}
          aria-label="Model for this conversation"
          aria-activedescendant={`${listId}-${active}`}
          onKeyDown={onListKey}
        >
          {options.map((o, i) => {
            const selected = i === selectedIndex;
            return (
              <li
                key={o.id ?? '__default'}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={selected}
                className={`picker__option${i === active ? ' is-active' : ''}`}
                onMouseMove={(e) => {
                  // Only a pointer that really moves takes the highlight: the list opening under a
                  // resting pointer (the browser then sends a move without movement) must not
                  // override the keyboard's choice.
                  if ((e.movementX ?? 0) !== 0 || (e.movementY ?? 0) !== 0) setActive(i);
                }}
                onClick={() => void choose(i)}
              >
                <span className="picker__check">{selected ? <CheckIcon size={14} /> : null}</span>
                {o.model ? (
                  <span className="picker__text">
                    <span className="picker__name">{o.model.label}</span>
                    <span className="picker__meta">
                      {o.model.id}
                      {o.model.tier ? <span className="tier">{o.model.tier}</span> : null}
                      {o.model.aliases.length ? <span> · {o.model.aliases.join(', ')}</span> : null}
                    </span>
                  </span>
                ) : (
                  <span className="picker__text">
                    <span className="picker__name">Follow the default</span>
                    <span className="picker__meta">now {defaultLabel} · clears this conversation’s override</span>
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      ) : null}
      {error ? (
        <p className="picker__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
