'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import type { ListMemoriesQuery, Memory, MemorySettings } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { apiErrorOf } from '../../lib/api-errors';
import { relativeTime } from '../../lib/format';
import { useSessionList } from '../../lib/queries';
import { queryKeys } from '../../lib/query-keys';
import { CheckIcon, EditIcon, MemoryIcon, PlusIcon, SearchIcon, TrashIcon } from '../shell/icons';

export const MEMORY_MAX_CHARS = 1000;

/** A scope filter: every memory, the global ones, or one project's. */
export type ScopeFilter = { kind: 'all' } | { kind: 'global' } | { kind: 'project'; projectId: string };

/** The list query for a filter and a search text. */
export function memoryQuery(filter: ScopeFilter, q: string): ListMemoriesQuery {
  const query: ListMemoriesQuery = { limit: 200 };
  if (filter.kind === 'global') query.scope = 'global';
  if (filter.kind === 'project') {
    query.scope = 'project';
    query.projectId = filter.projectId;
  }
  const text = q.trim();
  if (text) query.q = text.slice(0, 500);
  return query;
}

/** Project names to filter by: from the conversations and from the memories themselves. */
export function projectNames(sessionProjects: ReadonlyArray<string | null>, memories: readonly Memory[]): string[] {
  const names = new Set<string>();
  for (const p of sessionProjects) if (p) names.add(p);
  for (const m of memories) if (m.projectId) names.add(m.projectId);
  return [...names].sort((a, b) => a.localeCompare(b));
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function Switch({ label, description, checked, onChange, disabled }: { label: string; description: string; checked: boolean; onChange: (v: boolean) => void; disabled?: boolean }) {
  const id = useId();
  return (
    <div className="switch-row">
      <div>
        <div className="strong" id={`${id}-label`}>
          {label}
        </div>
        <div className="muted small" id={`${id}-desc`}>
          {description}
        </div>
      </div>
      <button type="button" role="switch" aria-checked={checked} aria-labelledby={`${id}-label`} aria-describedby={`${id}-desc`} className="switch" onClick={() => onChange(!checked)} disabled={disabled}>
        <span className="switch__thumb" />
      </button>
    </div>
  );
}

function MemoryCard({ memory, onSave, onDelete }: { memory: Memory; onSave: (content: string) => Promise<void>; onDelete: () => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(memory.content);
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (fn: () => Promise<void>, after: () => void) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      after();
    } catch (err) {
      setError(apiErrorOf(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="memory" data-memory-id={memory.id}>
      {editing ? (
        <form
          className="memory__edit"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => onSave(draft.trim()), () => setEditing(false));
          }}
        >
          <label className="visually-hidden" htmlFor={`edit-${memory.id}`}>
            Memory text
          </label>
          <textarea id={`edit-${memory.id}`} value={draft} maxLength={MEMORY_MAX_CHARS} onChange={(e) => setDraft(e.target.value)} rows={3} autoFocus />
          <div className="memory__row">
            <span className="muted small">
              {draft.length}/{MEMORY_MAX_CHARS}
            </span>
            <button type="button" className="btn btn--ghost btn--sm" onClick={() => (setEditing(false), setDraft(memory.content))}>
              Cancel
            </button>
            <button type="submit" className="btn btn--primary btn--sm" disabled={busy || !draft.trim() || draft.trim() === memory.content}>
              <CheckIcon size={14} /> Save
            </button>
          </div>
        </form>
      ) : (
        <p className="memory__text">{memory.content}</p>
      )}
      <div className="memory__row">
        <span className={`badge ${memory.scope === 'global' ? 'badge--global' : 'badge--project'}`}>{memory.scope === 'global' ? 'Global' : `Project · ${memory.projectId}`}</span>
        {memory.category ? <span className="pill pill--muted">{memory.category}</span> : null}
        {memory.tags.map((t) => (
          <span key={t} className="tag">
            #{t}
          </span>
        ))}
        <span className="muted small" title={`Source: ${memory.source}, confidence ${Math.round(memory.confidence * 100)}%`}>
          {memory.source === 'user' ? 'added by you' : memory.source === 'tool' ? 'saved by a tool' : 'learned from a conversation'} · {relativeTime(memory.updatedAt)}
        </span>
        <span className="spacer" />
        {!editing && !confirm ? (
          <>
            <button type="button" className="icon-button" onClick={() => setEditing(true)} aria-label="Edit memory" title="Edit">
              <EditIcon size={16} />
            </button>
            <button type="button" className="icon-button icon-button--danger" onClick={() => setConfirm(true)} aria-label="Delete memory" title="Delete">
              <TrashIcon size={16} />
            </button>
          </>
        ) : null}
        {confirm ? (
          <span className="confirm" role="group" aria-label="Confirm delete">
            <span className="small">Delete for good?</span>
            <button type="button" className="btn btn--danger btn--sm" disabled={busy} onClick={() => void run(onDelete, () => setConfirm(false))} autoFocus>
              Delete
            </button>
            <button type="button" className="btn btn--ghost btn--sm" onClick={() => setConfirm(false)}>
              Keep
            </button>
          </span>
        ) : null}
      </div>
      {error ? (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

function AddMemory({ filter, onAdd }: { filter: ScopeFilter; onAdd: (content: string) => Promise<void> }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await onAdd(text.trim());
      setText('');
    } catch (err) {
      const info = apiErrorOf(err);
      const reason = typeof info.details?.reason === 'string' ? ` (${info.details.reason})` : '';
      setError(info.code === 'MEMORY_REJECTED' ? `Not saved: ${info.message}${reason}` : info.message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="add-memory" onSubmit={submit}>
      <label htmlFor="add-memory" className="visually-hidden">
        New memory
      </label>
      <input
        id="add-memory"
        value={text}
        maxLength={MEMORY_MAX_CHARS}
        onChange={(e) => setText(e.target.value)}
        placeholder={filter.kind === 'project' ? `Something to remember for ${filter.projectId}…` : 'Something the assistant should remember about you…'}
      />
      <button type="submit" className="btn btn--sm" disabled={busy || !text.trim()}>
        <PlusIcon size={14} /> Remember
      </button>
      {error ? (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

/** Memories: filter by scope, search, edit, delete; memory on/off and silent mode. */
export function MemoryPage() {
  const api = useApi();
  const qc = useQueryClient();
  const [filter, setFilter] = useState<ScopeFilter>({ kind: 'all' });
  const [search, setSearch] = useState('');
  const q = useDebounced(search, 250);
  const query = useMemo(() => memoryQuery(filter, q), [filter, q]);
  const list = useQuery({ queryKey: queryKeys.memories(query), queryFn: () => api.memory.list(query), placeholderData: (prev) => prev });
  const all = useQuery({ queryKey: queryKeys.memories({ all: true }), queryFn: () => api.memory.list({ limit: 500 }), staleTime: 60_000 });
  const settings = useQuery({ queryKey: queryKeys.memorySettings, queryFn: () => api.memory.settings() });
  const sessions = useSessionList();
  const projects = useMemo(
    () => projectNames((sessions.data?.sessions ?? []).map((s) => s.projectId), all.data?.memories ?? []),
    [sessions.data, all.data],
  );

  const saveSettings = useMutation({
    mutationFn: (patch: Partial<MemorySettings>) => api.memory.updateSettings(patch),
    onSuccess: (next) => qc.setQueryData(queryKeys.memorySettings, next),
  });

  const refresh = () => qc.invalidateQueries({ queryKey: queryKeys.memoriesAll });
  const remove = async (id: string) => {
    await api.memory.remove(id);
    // Gone from every list at once, then re-read.
    qc.setQueriesData<{ memories: Memory[] }>({ queryKey: queryKeys.memoriesAll }, (d) => (d ? { memories: d.memories.filter((m) => m.id !== id) } : d));
    void refresh();
  };
  const save = async (id: string, content: string) => {
    const updated = await api.memory.update(id, { content });
    qc.setQueriesData<{ memories: Memory[] }>({ queryKey: queryKeys.memoriesAll }, (d) => (d ? { memories: d.memories.map((m) => (m.id === id ? updated : m)) } : d));
    void refresh();
  };
  const add = async (content: string) => {
    await api.memory.create(filter.kind === 'project' ? { content, scope: 'project', projectId: filter.projectId } : { content, scope: 'global' });
    void refresh();
  };

  const unavailable = list.error && apiErrorOf(list.error).status === 404;
  const memories = list.data?.memories ?? [];
  const filterKey = filter.kind === 'project' ? `project:${filter.projectId}` : filter.kind;

  return (
    <div className="page">
      <header className="page__head">
        <h1>Memory</h1>
        <p className="muted">What the assistant remembers across conversations. Global memories are about you; project memories belong to one project.</p>
      </header>

      {unavailable ? (
        <p className="notice notice--warn">This API has no memory routes yet (it answered 404). Update Switchboard to manage memories here.</p>
      ) : (
        <>
          <section className="card card--tight" aria-label="Memory settings">
            <Switch
              label="Memory"
              description="Learn durable facts and preferences from conversations, and use them in replies."
              checked={settings.data?.enabled ?? false}
              disabled={!settings.data || saveSettings.isPending}
              onChange={(enabled) => saveSettings.mutate({ enabled })}
            />
            <Switch
              label="Silent mode"
              description="Remember without posting “memory saved” notices in conversations."
              checked={settings.data?.silent ?? false}
              disabled={!settings.data || saveSettings.isPending}
              onChange={(silent) => saveSettings.mutate({ silent })}
            />
            {saveSettings.error ? <p className="notice notice--error">{apiErrorOf(saveSettings.error).message}</p> : null}
          </section>

          <div className="toolbar">
            <div className="segmented" role="radiogroup" aria-label="Scope">
              {[{ key: 'all', label: 'All', f: { kind: 'all' } as ScopeFilter }, { key: 'global', label: 'Global', f: { kind: 'global' } as ScopeFilter }, ...projects.map((p) => ({ key: `project:${p}`, label: `Project · ${p}`, f: { kind: 'project', projectId: p } as ScopeFilter }))].map(
                (o) => (
                  <button key={o.key} type="button" role="radio" aria-checked={filterKey === o.key} className={filterKey === o.key ? 'is-on' : undefined} onClick={() => setFilter(o.f)}>
                    {o.label}
                  </button>
                ),
              )}
            </div>
            <div className="search">
              <SearchIcon size={15} aria-hidden />
              <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Search memories" aria-label="Search memories" />
            </div>
          </div>

          <AddMemory filter={filter} onAdd={add} />

          {list.isPending ? (
            <div className="skeleton-list">
              <div className="skeleton" />
              <div className="skeleton" />
            </div>
          ) : list.error && !list.data ? (
            <p className="notice notice--error">Could not load memories: {apiErrorOf(list.error).message}</p>
          ) : memories.length === 0 ? (
            <div className="empty">
              <MemoryIcon size={26} />
              <p>{q ? 'No memory matches that search.' : 'Nothing remembered here yet.'}</p>
            </div>
          ) : (
            <ul className="memories" aria-label="Memories" aria-busy={list.isFetching}>
              {memories.map((m) => (
                <MemoryCard key={m.id} memory={m} onSave={(c) => save(m.id, c)} onDelete={() => remove(m.id)} />
              ))}
            </ul>
          )}
          {search && list.isFetching ? (
            <p className="muted small" role="status">
              Searching…
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}
