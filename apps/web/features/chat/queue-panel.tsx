'use client';
import { useState } from 'react';
import type { QueuedMessage } from '@switchboard/protocol';
import { sourceLabel } from '../../lib/format';
import { ArrowUpIcon, BoltIcon, TrashIcon } from '../shell/icons';

export interface QueuePanelProps {
  queue: readonly QueuedMessage[];
  /** Model labels by config id (from the catalog). */
  labelOf(modelConfigId: string): string;
  running: boolean;
  onPromote(id: string, interrupt: boolean): Promise<void>;
  onDelete(id: string): Promise<void>;
}

/**
 * Messages sent while a reply streams. Each keeps the model that was in force when it was
 * queued; they run in order, and can be moved to the front (optionally stopping the current
 * reply) or deleted.
 */
export function QueuePanel({ queue, labelOf, running, onPromote, onDelete }: QueuePanelProps) {
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (queue.length === 0) return null;

  const act = async (id: string, fn: () => Promise<void>) => {
    setPending(id);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError((err as Error)?.message ?? 'That did not work.');
    } finally {
      setPending(null);
    }
  };

  return (
    <section className="queue" aria-label={`Queued messages (${queue.length})`}>
      <header className="queue__head">
        <span className="queue__title">Queued</span>
        <span className="queue__count">{queue.length}</span>
        <span className="queue__sub">runs in order after the current reply</span>
      </header>
      <ol className="queue__list">
        {queue.map((q, i) => (
          <li key={q.id} className="queue__item" data-queued-id={q.id}>
            <span className="queue__pos" aria-hidden>
              {i + 1}
            </span>
            <div className="queue__body">
              <p className="queue__text">{q.text}</p>
              {q.attachments?.length ? (
                <span className="queue__files" data-testid="queued-files">
                  📎 {q.attachments.map((f) => f.name).join(', ')}
                </span>
              ) : null}
              <span className="queue__model" data-testid="queued-model">
                {labelOf(q.modelConfigId)} · {sourceLabel(q.modelSource)}
              </span>
            </div>
            <div className="queue__actions">
              {i > 0 ? (
                <button type="button" className="btn btn--ghost btn--sm" disabled={pending !== null} onClick={() => act(q.id, () => onPromote(q.id, false))} title="Move to the front of the queue">
                  <ArrowUpIcon size={14} /> Next
                </button>
              ) : null}
              {running ? (
                <button type="button" className="btn btn--ghost btn--sm" disabled={pending !== null} onClick={() => act(q.id, () => onPromote(q.id, true))} title="Stop the current reply and send this now">
                  <BoltIcon size={14} /> Send now
                </button>
              ) : null}
              <button type="button" className="btn btn--ghost btn--sm btn--danger" disabled={pending !== null} onClick={() => act(q.id, () => onDelete(q.id))} aria-label={`Delete queued message: ${q.text.slice(0, 40)}`}>
                <TrashIcon size={14} />
              </button>
            </div>
          </li>
        ))}
      </ol>
      {error ? (
        <p className="queue__error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
