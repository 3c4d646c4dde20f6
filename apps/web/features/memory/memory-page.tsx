'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import type { CreateMemoryRequest, ListMemoriesQuery, Memory, MemorySettings, Person } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { apiErrorOf } from '../../lib/api-errors';
import { relativeTime } from '../../lib/format';
import { groupOptions, OWNER_PERSON_ID, personName, scopeChip, sortPeople, type GroupOption } from '../../lib/people';
import { usePeople, useSessionList } from '../../lib/queries';
import { queryKeys } from '../../lib/query-keys';
import { ArrowUpIcon, CheckIcon, EditIcon, MemoryIcon, PlusIcon, SearchIcon, TrashIcon } from '../shell/icons';
import Link from 'next/link';
import { dropDraft, editKeyAction, keepDraft, loadDraft } from './memory-draft';

export const MEMORY_MAX_CHARS = 1000;

/** A scope filter: every memory, the global ones, or one person's, group's or project's. */
export type ScopeFilter =
  | { kind: 'all' }
  | { kind: 'global' }
  | { kind: 'person'; personId: string }
  | { kind: 'group'; groupId: string }
  | { kind: 'project'; projectId: string };

/** The line shown wherever a memory becomes global. */
export const GLOBAL_NOTE = 'Global memories are shared with everyone who talks to the assistant.';

/** The list query for a filter and a search text. */
export function memoryQuery(filter: ScopeFilter, q: string): ListMemoriesQuery {
  const query: ListMemoriesQuery = { limit: 200 };
  if (filter.kind !== 'all') query.scope = filter.kind;
  if (filter.kind === 'project') query.projectId = filter.projectId;
  if (filter.kind === 'person') query.personId = filter.personId;
  if (filter.kind === 'group') query.groupId = filter.groupId;
  const text = q.trim();
  if (text) query.q = text.slice(0, 500);
  return query;
}

/** A filter as a select value (`person:<id>`, ...) and back. */
export function filterKey(filter: ScopeFilter): string {
  switch (filter.kind) {
    case 'all':
    case 'global':
      return filter.kind;
    case 'person':
      return `person:${filter.personId}`;
    case 'group':
      return `group:${filter.groupId}`;
    case 'project':
      return `project:${filter.projectId}`;
  }
}
export function parseFilterKey(key: string): ScopeFilter {
  const at = key.indexOf(':');
  const kind = at < 0 ? key : key.slice(0, at);
  const id = key.slice(at + 1);
  if (kind === 'person') return { kind, personId: id };
  if (kind === 'group') return { kind, groupId: id };
  if (kind === 'project') return { kind, projectId: id };
  return kind === 'global' ? { kind: 'global' } : { kind: 'all' };
}

/** Where a new memory goes: the filter's person, group or project; otherwise the owner's own memory. */
export function defaultTarget(filter: ScopeFilter): ScopeFilter {
  return filter.kind === 'person' || filter.kind === 'group' || filter.kind === 'project' ? filter : { kind: 'person', personId: OWNER_PERSON_ID };
}

/** The create request for a text and a target scope. */
export function createRequest(content: string, target: ScopeFilter): CreateMemoryRequest {
  switch (target.kind) {
    case 'person':
      return { content, scope: 'person', personId: target.personId };
    case 'group':
      return { content, scope: 'group', groupId: target.groupId };
    case 'project':
      return { content, scope: 'project', projectId: target.projectId };
    default:
      return { content, scope: 'global' };
  }
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

interface MemoryCardProps {
  memory: Memory;
  /** Whose it is, in words ("You", "Ann", "Group · Family", ...). */
  chip: string;
  onSave: (content: string) => Promise<void>;
  onDelete: () => Promise<void>;
  onPromote: () => Promise<void>;
  /** Who last edited it, in words (from `editedBy`). */
  editorName?: string | null;
  /** The conversation a learned memory came from, when it still exists. */
  sourceHref?: string | null;
}

function chipClass(memory: Memory): string {
  if (memory.scope === 'person') return memory.personId === OWNER_PERSON_ID ? 'badge--you' : 'badge--person';
  return `badge--${memory.scope}`;
}

function MemoryCard({ memory, chip, onSave, onDelete, onPromote, editorName, sourceHref }: MemoryCardProps) {
  // An unsaved edit left behind (another page, a reload) opens again where it was.
  const [restored] = useState(() => loadDraft(memory.id));
  const [editing, setEditing] = useState(restored !== null);
  const [draft, setDraftState] = useState(restored ?? memory.content);
  const setDraft = (text: string) => {
    setDraftState(text);
    keepDraft(memory.id, text, memory.content);
  };
  const dirty = editing && draft !== memory.content;
  useEffect(() => {
    if (!dirty) return;
    // Closing or reloading the tab with a changed memory asks first (the draft is kept either way).
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  const cancel = () => {
    dropDraft(memory.id);
    setDraftState(memory.content);
    setEditing(false);
  };
  const [confirm, setConfirm] = useState(false);
  const [promoting, setPromoting] = useState(false);
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
            if (busy || !draft.trim()) return;
            if (draft.trim() === memory.content) return cancel();
            void run(
              () => onSave(draft.trim()),
              () => {
                dropDraft(memory.id);
                setEditing(false);
              },
            );
          }}
        >
          <label className="visually-hidden" htmlFor={`edit-${memory.id}`}>
            Memory text
          </label>
          <textarea
            id={`edit-${memory.id}`}
            value={draft}
            maxLength={MEMORY_MAX_CHARS}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              const action = editKeyAction({ key: e.key, shiftKey: e.shiftKey, isComposing: e.nativeEvent.isComposing });
              if (!action) return;
              e.preventDefault();
              if (action === 'cancel') cancel();
              else e.currentTarget.form?.requestSubmit();
            }}
            aria-describedby={`edit-hint-${memory.id}`}
            rows={3}
            autoFocus
          />
          <div className="memory__row">
            <span className="muted small" id={`edit-hint-${memory.id}`}>
              {restored !== null && dirty ? 'Unsaved edit kept from before · ' : ''}Enter saves · Shift+Enter new line · Esc cancels · {draft.length}/{MEMORY_MAX_CHARS}
            </span>
            <button type="button" className="btn btn--ghost btn--sm" onClick={cancel}>
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
        <span className={`badge ${chipClass(memory)}`} data-testid="memory-scope">
          {chip}
        </span>
        {memory.category ? <span className="pill pill--muted">{memory.category}</span> : null}
        {memory.tags.map((t) => (
          <span key={t} className="tag">
            #{t}
          </span>
        ))}
        <span className="muted small" title={`Source: ${memory.source}, confidence ${Math.round(memory.confidence * 100)}%`}>
          {memory.source === 'user' ? (
            'added by you'
          ) : memory.source === 'tool' ? (
            'saved by a tool'
          ) : sourceHref ? (
            <>
              learned from <Link href={sourceHref}>a conversation</Link>
            </>
          ) : (
            'learned from a conversation'
          )}{' '}
          · {relativeTime(memory.createdAt)}
        </span>
        {memory.editedAt ? (
          <span className="muted small" data-testid="memory-edited">
            edited by {editorName ?? 'someone'} · <time dateTime={memory.editedAt}>{relativeTime(memory.editedAt)}</time>
          </span>
        ) : null}
        <span className="spacer" />
        {!editing && !confirm && !promoting ? (
          <>
            {memory.scope !== 'global' ? (
              <button type="button" className="icon-button" onClick={() => setPromoting(true)} aria-label="Make global" title="Make global (share with everyone)">
                <ArrowUpIcon size={16} />
              </button>
            ) : null}
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
      {promoting ? (
        <div className="promote" role="group" aria-label="Confirm making this memory global">
          <p className="promote__note">{GLOBAL_NOTE}</p>
          <button type="button" className="btn btn--primary btn--sm" disabled={busy} onClick={() => void run(onPromote, () => setPromoting(false))} autoFocus>
            Make global
          </button>
          <button type="button" className="btn btn--ghost btn--sm" onClick={() => setPromoting(false)}>
            Cancel
          </button>
        </div>
      ) : null}
      {error ? (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

/** The scopes a new memory can go to: the owner's own, global, and the filter's person, group or project. */
function targetOptions(filter: ScopeFilter, people: readonly Person[] | undefined, groups: readonly GroupOption[]): Array<{ key: string; label: string }> {
  const options = [
    { key: `person:${OWNER_PERSON_ID}`, label: 'Only you' },
    { key: 'global', label: 'Global (everyone)' },
  ];
  if (filter.kind === 'person' && filter.personId !== OWNER_PERSON_ID) options.push({ key: filterKey(filter), label: personName(people, filter.personId) });
  if (filter.kind === 'group') options.push({ key: filterKey(filter), label: `Group · ${groups.find((g) => g.groupId === filter.groupId)?.name ?? filter.groupId}` });
  if (filter.kind === 'project') options.push({ key: filterKey(filter), label: `Project · ${filter.projectId}` });
  return options;
}

function placeholderFor(target: ScopeFilter, people: readonly Person[] | undefined, groups: readonly GroupOption[]): string {
  switch (target.kind) {
    case 'person':
      return target.personId === OWNER_PERSON_ID ? 'Something the assistant should remember about you…' : `Something to remember about ${personName(people, target.personId)}…`;
    case 'group':
      return `Something to remember in ${groups.find((g) => g.groupId === target.groupId)?.name ?? 'this group'}…`;
    case 'project':
      return `Something to remember for ${target.projectId}…`;
    default:
      return 'Something everyone who talks to the assistant may know…';
  }
}

function AddMemory({ filter, people, groups, onAdd }: { filter: ScopeFilter; people: readonly Person[] | undefined; groups: readonly GroupOption[]; onAdd: (content: string, target: ScopeFilter) => Promise<void> }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<{ for: string; key: string } | null>(null);
  // The target follows the filter until the user picks one for this filter.
  const key = chosen && chosen.for === filterKey(filter) ? chosen.key : filterKey(defaultTarget(filter));
  const target = parseFilterKey(key);
  const options = targetOptions(filter, people, groups);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await onAdd(text.trim(), target);
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
      <input id="add-memory" value={text} maxLength={MEMORY_MAX_CHARS} onChange={(e) => setText(e.target.value)} placeholder={placeholderFor(target, people, groups)} />
      <label htmlFor="add-memory-scope" className="visually-hidden">
        Remember for
      </label>
      <select id="add-memory-scope" className="add-memory__scope" value={key} onChange={(e) => setChosen({ for: filterKey(filter), key: e.target.value })}>
        {options.map((o) => (
          <option key={o.key} value={o.key}>
            {o.label}
          </option>
        ))}
      </select>
      <button type="submit" className="btn btn--sm" disabled={busy || !text.trim()}>
        <PlusIcon size={14} /> Remember
      </button>
      {target.kind === 'global' ? (
        <p className="add-memory__note muted small" role="note">
          {GLOBAL_NOTE}
        </p>
      ) : null}
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
  const sessionIds = useMemo(() => new Set((sessions.data?.sessions ?? []).map((s) => s.id)), [sessions.data]);
  const peopleQuery = usePeople();
  // Without the people (an older API, or a failure) memories name their person by id.
  const people = peopleQuery.data?.people ?? (peopleQuery.isError ? [] : undefined);
  const projects = useMemo(
    () => projectNames((sessions.data?.sessions ?? []).map((s) => s.projectId), all.data?.memories ?? []),
    [sessions.data, all.data],
  );
  const groups = useMemo(() => groupOptions(sessions.data?.sessions ?? [], all.data?.memories ?? []), [sessions.data, all.data]);
  const personOptions = useMemo(() => {
    const known = sortPeople(people ?? []).map((p) => ({ id: p.id, name: p.id === OWNER_PERSON_ID ? `${p.displayName} (you)` : p.displayName }));
    const ids = new Set(known.map((p) => p.id));
    // People the list does not know (yet): by id, so their memories can still be found.
    for (const m of all.data?.memories ?? []) {
      if (m.personId && !ids.has(m.personId)) {
        ids.add(m.personId);
        known.push({ id: m.personId, name: m.personId });
      }
    }
    return known;
  }, [people, all.data]);

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
  const promote = async (id: string) => {
    await api.memory.update(id, { scope: 'global' });
    void refresh();
  };
  const add = async (content: string, target: ScopeFilter) => {
    await api.memory.create(createRequest(content, target));
    void refresh();
  };

  const unavailable = list.error && apiErrorOf(list.error).status === 404;
  const memories = list.data?.memories ?? [];
  const current = filterKey(filter);
  const emptyText = q
    ? 'No memory matches that search.'
    : filter.kind === 'person' && filter.personId === OWNER_PERSON_ID
      ? 'Nothing remembered about you yet.'
      : 'Nothing remembered here yet.';

  return (
    <div className="page">
      <header className="page__head">
        <h1>Memory</h1>
        <p className="muted">
          What the assistant remembers across conversations. A person&rsquo;s memories are used only when they are speaking; a group&rsquo;s only in that group; a
          project&rsquo;s only in its conversations. Global memories are shared with everyone.
        </p>
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
            <div className="scope-filter">
              <select aria-label="Scope" value={current} onChange={(e) => setFilter(parseFilterKey(e.target.value))}>
                <option value="all">All memories</option>
                <option value="global">Global</option>
                {personOptions.length ? (
                  <optgroup label="People">
                    {personOptions.map((p) => (
                      <option key={p.id} value={`person:${p.id}`}>
                        Person · {p.name}
                      </option>
                    ))}
                  </optgroup>
                ) : null}
                {groups.length ? (
                  <optgroup label="Groups">
                    {groups.map((g) => (
                      <option key={g.groupId} value={`group:${g.groupId}`}>
                        Group · {g.name}
                      </option>
                    ))}
                  </optgroup>
                ) : null}
                {projects.length ? (
                  <optgroup label="Projects">
                    {projects.map((p) => (
                      <option key={p} value={`project:${p}`}>
                        Project · {p}
                      </option>
                    ))}
                  </optgroup>
                ) : null}
              </select>
            </div>
            <div className="search">
              <SearchIcon size={15} aria-hidden />
              <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Search memories" aria-label="Search memories" />
            </div>
          </div>

          <AddMemory filter={filter} people={people} groups={groups} onAdd={add} />

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
              <p>{emptyText}</p>
            </div>
          ) : (
            <ul className="memories" aria-label="Memories" aria-busy={list.isFetching}>
              {memories.map((m) => (
                <MemoryCard
                  key={m.id}
                  memory={m}
                  chip={scopeChip(m, people, groups)}
                  onSave={(c) => save(m.id, c)}
                  onDelete={() => remove(m.id)}
                  onPromote={() => promote(m.id)}
                  editorName={m.editedBy ? personName(people, m.editedBy, true) : null}
                  sourceHref={m.sourceSessionId && sessionIds.has(m.sourceSessionId) ? `/chat/${m.sourceSessionId}` : null}
                />
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
