'use client';
import { useEffect, useRef, useState } from 'react';

/** The API's title limit (LIMITS.maxTitleChars; the schemas stay out of the browser bundle). */
const MAX_TITLE_CHARS = 200;

/** Renames in place: Enter saves, Escape cancels, leaving the field saves a changed title. */
export function InlineTitle({ initial, label, onSave, onDone }: { initial: string; label: string; onSave(title: string): Promise<unknown>; onDone(): void }) {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const settled = useRef(false);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const save = async () => {
    if (settled.current || saving) return;
    const title = value.trim();
    if (!title || title === initial) {
      settled.current = true;
      onDone();
      return;
    }
    setSaving(true);
    try {
      await onSave(title);
      settled.current = true;
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not rename');
      setSaving(false);
    }
  };

  return (
    <div className="inline-title">
      <input
        ref={input}
        className="inline-title__input"
        aria-label={label}
        value={value}
        maxLength={MAX_TITLE_CHARS}
        disabled={saving}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void save();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            settled.current = true;
            onDone();
          }
        }}
        onBlur={() => void save()}
        data-testid="rename-input"
      />
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
