'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { AddIdentityRequest, Channel, Identity, PeopleResponse, Person, PersonLimitKey, PersonRole, UpdatePersonRequest } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { apiErrorOf } from '../../lib/api-errors';
import { relativeTime } from '../../lib/format';
import { formatLimit, IDENTITY_CHANNELS, LIMIT_KEYS, LIMIT_LABELS, limitState, OWNER_PERSON_ID, resetsAtText, sortPeople, usageAgainst } from '../../lib/people';
import { usePeople } from '../../lib/queries';
import { queryKeys } from '../../lib/query-keys';
import { ChannelBadge } from '../chat/channel-badge';
import { CheckIcon, EditIcon, LinkIcon, PeopleIcon, RefreshIcon } from '../shell/icons';

/** Usage today moves while the page is open: read it again this often. */
const REFRESH_MS = 30_000;

/** The limit as typed, checked the way the API checks it; a message when it will not do. */
export function parseLimitInput(key: PersonLimitKey, raw: string): { value: number } | { error: string } {
  const text = raw.trim().replace(/^\$/, '').replace(/[, _]/g, '');
  if (!text) return { error: 'Enter a number, or use the role default.' };
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) return { error: 'Enter a number above zero.' };
  if (key === 'costPerDayUsd') return n < 0.0001 || n > 1_000_000 ? { error: 'Between $0.0001 and $1,000,000.' } : { value: n };
  if (!Number.isInteger(n)) return { error: 'Enter a whole number.' };
  const max = key === 'messagesPerMinute' ? 100_000 : 10_000_000_000;
  return n > max ? { error: `At most ${max.toLocaleString('en-US')}.` } : { value: n };
}

function initials(name: string): string {
  const parts = name.replace(/^@/, '').trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

/** The person's mutations: each answer (the person as now stored) replaces them in the list. */
function usePersonActions(person: Person) {
  const api = useApi();
  const qc = useQueryClient();
  const store = (next: Person) =>
    qc.setQueryData<PeopleResponse>(queryKeys.people, (d) => (d ? { people: d.people.map((p) => (p.id === next.id ? next : p)) } : d));
  const update = useMutation({
    mutationFn: (body: UpdatePersonRequest) => api.client.updatePerson(person.id, body),
    onSuccess: ({ person: next }) => store(next),
  });
  const link = useMutation({
    mutationFn: (body: AddIdentityRequest) => api.client.addIdentity(person.id, body),
    onSuccess: ({ person: next }) => {
      store(next);
      // The account may have moved here from someone else (who may be gone now): read everyone again.
      void qc.invalidateQueries({ queryKey: queryKeys.people });
    },
  });
  const unlink = useMutation({
    mutationFn: (identity: { channel: Channel; peerId: string }) => api.client.removeIdentity(person.id, identity),
    onSuccess: ({ person: next }) => store(next),
  });
  return { update, link, unlink };
}

function ErrorLine({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="notice notice--error" role="alert">
      {apiErrorOf(error).message}
    </p>
  );
}

function NameEditor({ person, save }: { person: Person; save: (displayName: string) => Promise<unknown> }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(person.displayName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const headingId = `person-${person.id}-name`;

  if (!editing) {
    return (
      <div className="person__name">
        <h2 id={headingId}>{person.displayName}</h2>
        <button
          type="button"
          className="icon-button"
          aria-label={`Rename ${person.displayName}`}
          title="Rename"
          onClick={() => {
            setDraft(person.displayName);
            setEditing(true);
          }}
        >
          <EditIcon size={15} />
        </button>
      </div>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await save(draft.trim());
      setEditing(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="person__rename" onSubmit={submit}>
      <h2 id={headingId} className="visually-hidden">
        {person.displayName}
      </h2>
      <label className="visually-hidden" htmlFor={`${headingId}-input`}>
        Display name
      </label>
      <input id={`${headingId}-input`} value={draft} maxLength={200} onChange={(e) => setDraft(e.target.value)} autoFocus />
      <button type="submit" className="btn btn--primary btn--sm" disabled={busy || !draft.trim() || draft.trim() === person.displayName}>
        <CheckIcon size={14} /> Save
      </button>
      <button type="button" className="btn btn--ghost btn--sm" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <ErrorLine error={error} />
    </form>
  );
}

function RoleControl({ person, save, busy }: { person: Person; save: (role: PersonRole) => void; busy: boolean }) {
  const id = useId();
  if (person.id === OWNER_PERSON_ID) {
    return (
      <span className="badge badge--owner" title="The owner: the dashboard, the CLI and the API token act as this person. Always an owner.">
        Owner
      </span>
    );
  }
  return (
    <span className="person__role">
      <label htmlFor={id} className="visually-hidden">
        Role of {person.displayName}
      </label>
      <select id={id} value={person.role} disabled={busy} onChange={(e) => save(e.target.value as PersonRole)}>
        <option value="member">Member</option>
        <option value="owner">Owner (full rights)</option>
      </select>
    </span>
  );
}

function IdentityRow({ identity, onUnlink }: { identity: Identity; onUnlink: () => Promise<unknown> }) {
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const what = `${identity.channel} account ${identity.peerId}`;
  return (
    <li className="identity" data-identity={`${identity.channel}:${identity.peerId}`}>
      <ChannelBadge channel={identity.channel} />
      <span className="identity__id mono" title={identity.peerId}>
        {identity.peerId}
      </span>
      {identity.displayName ? <span className="identity__name">{identity.displayName}</span> : null}
      <span className="muted small identity__when" title={new Date(identity.linkedAt).toLocaleString()}>
        linked {relativeTime(identity.linkedAt)}
      </span>
      <span className="spacer" />
      {confirm ? (
        <span className="confirm" role="group" aria-label={`Confirm unlinking the ${what}`}>
          <button
            type="button"
            className="btn btn--danger btn--sm"
            disabled={busy}
            autoFocus
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await onUnlink();
              } catch (err) {
                setError(err);
                setBusy(false);
              }
            }}
          >
            Unlink
          </button>
          <button type="button" className="btn btn--ghost btn--sm" onClick={() => setConfirm(false)}>
            Keep
          </button>
        </span>
      ) : (
        <button type="button" className="btn btn--ghost btn--sm" aria-label={`Unlink the ${what}`} onClick={() => setConfirm(true)}>
          Unlink
        </button>
      )}
      {error ? (
        <p className="notice notice--error identity__error" role="alert">
          {apiErrorOf(error).message}
        </p>
      ) : null}
    </li>
  );
}

function LinkForm({ person, link }: { person: Person; link: (body: AddIdentityRequest) => Promise<unknown> }) {
  const [channel, setChannel] = useState<Channel>('telegram');
  const [peerId, setPeerId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();
  const placeholder = IDENTITY_CHANNELS.find((c) => c.channel === channel)?.placeholder ?? 'account id';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = peerId.trim();
    if (!value) return;
    setBusy(true);
    setError(null);
    try {
      await link({ channel, peerId: value });
      setPeerId('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="link-form" onSubmit={submit} aria-label={`Link an account to ${person.displayName}`}>
      <label htmlFor={`${id}-channel`} className="visually-hidden">
        Channel
      </label>
      <select id={`${id}-channel`} value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
        {IDENTITY_CHANNELS.map((c) => (
          <option key={c.channel} value={c.channel}>
            {c.label}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-peer`} className="visually-hidden">
        Account id
      </label>
      <input id={`${id}-peer`} value={peerId} maxLength={200} placeholder={placeholder} onChange={(e) => setPeerId(e.target.value)} spellCheck={false} autoComplete="off" />
      <button type="submit" className="btn btn--sm" disabled={busy || !peerId.trim()}>
        <LinkIcon size={14} /> Link
      </button>
      <ErrorLine error={error} />
    </form>
  );
}

function LimitRow({ person, limitKey, save }: { person: Person; limitKey: PersonLimitKey; save: (value: number | null) => Promise<unknown> }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { value, isDefault } = limitState(person, limitKey);
  const usage = usageAgainst(person, limitKey);
  const label = LIMIT_LABELS[limitKey];
  const labelId = `limit-${person.id}-${limitKey}`;

  const run = async (next: number | null) => {
    setBusy(true);
    setError(null);
    try {
      await save(next);
      setEditing(false);
    } catch (err) {
      setError(apiErrorOf(err).message);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseLimitInput(limitKey, draft);
    if ('error' in parsed) return setError(parsed.error);
    void run(parsed.value);
  };
  const over = usage.ratio !== null && usage.ratio >= 1;

  return (
    <li className="limit" role="group" aria-labelledby={labelId} data-limit={limitKey}>
      <div className="limit__head">
        <span id={labelId} className="limit__name">
          {label}
        </span>
        <span className="limit__value" data-testid="limit-value">
          <strong>{formatLimit(limitKey, value)}</strong>{' '}
          <span className={`pill ${isDefault ? 'pill--muted' : 'pill--live'}`}>{isDefault ? 'role default' : 'set for this person'}</span>
        </span>
      </div>
      {usage.ratio !== null ? (
        <div className={`meter${over ? ' meter--over' : ''}`} aria-hidden>
          <span style={{ width: `${Math.round(usage.ratio * 100)}%` }} />
        </div>
      ) : null}
      <div className="limit__foot">
        <span className="muted small" data-testid="limit-usage">
          {limitKey === 'messagesPerMinute' ? 'Last minute: ' : 'Today: '}
          {usage.text}
        </span>
        <span className="spacer" />
        {!editing ? (
          <>
            <button
              type="button"
              className="btn btn--ghost btn--sm"
              aria-label={`Change ${label.toLowerCase()}`}
              onClick={() => {
                setDraft(value === null ? '' : String(value));
                setError(null);
                setEditing(true);
              }}
            >
              Change
            </button>
            {!isDefault ? (
              <button type="button" className="btn btn--ghost btn--sm" disabled={busy} onClick={() => void run(null)} aria-label={`Use the role default for ${label.toLowerCase()}`}>
                Use role default
              </button>
            ) : null}
          </>
        ) : null}
      </div>
      {editing ? (
        <form className="limit__edit" onSubmit={submit} noValidate>
          <label htmlFor={`${labelId}-input`} className="visually-hidden">
            {label}
          </label>
          <span className="limit__input">
            {limitKey === 'costPerDayUsd' ? <span aria-hidden>$</span> : null}
            <input
              id={`${labelId}-input`}
              type="number"
              inputMode={limitKey === 'costPerDayUsd' ? 'decimal' : 'numeric'}
              min={limitKey === 'costPerDayUsd' ? 0.0001 : 1}
              step={limitKey === 'costPerDayUsd' ? 0.01 : 1}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              autoFocus
            />
          </span>
          <button type="submit" className="btn btn--primary btn--sm" disabled={busy}>
            <CheckIcon size={14} /> Save
          </button>
          <button type="button" className="btn btn--ghost btn--sm" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : null}
      {error ? (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

function PersonCard({ person }: { person: Person }) {
  const { update, link, unlink } = usePersonActions(person);
  const isOwner = person.id === OWNER_PERSON_ID;
  const headingId = `person-${person.id}-name`;
  return (
    <section className="card person" aria-labelledby={headingId} data-person-id={person.id}>
      <header className="person__head">
        <span className={`avatar${person.role === 'owner' ? ' avatar--owner' : ''}`} aria-hidden>
          {initials(person.displayName)}
        </span>
        <div className="person__title">
          <NameEditor person={person} save={(displayName) => update.mutateAsync({ displayName })} />
          <div className="person__sub muted small">
            {isOwner ? 'You — the dashboard, the CLI and the API token act as the owner' : `Member since ${new Date(person.createdAt).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })}`}
          </div>
        </div>
        <RoleControl person={person} busy={update.isPending} save={(role) => update.mutate({ role })} />
      </header>
      {update.error && !update.isPending ? <ErrorLine error={update.error} /> : null}

      <div className="person__grid">
        <div className="person__section">
          <h3>Accounts</h3>
          {person.identities.length === 0 ? (
            <p className="muted small">{isOwner ? 'No linked accounts yet. Link your own Telegram account so the assistant knows it is you there.' : 'No linked accounts.'}</p>
          ) : (
            <ul className="identities" aria-label={`Accounts of ${person.displayName}`}>
              {person.identities.map((i) => (
                <IdentityRow key={`${i.channel}:${i.peerId}`} identity={i} onUnlink={() => unlink.mutateAsync({ channel: i.channel, peerId: i.peerId })} />
              ))}
            </ul>
          )}
          <LinkForm person={person} link={(body) => link.mutateAsync(body)} />
        </div>

        <div className="person__section">
          <h3>Limits and usage today</h3>
          <div className="limits" role="group" aria-label={`Limits of ${person.displayName}`}>
            {LIMIT_KEYS.map((key) => (
              <LimitRow key={key} person={person} limitKey={key} save={(value) => update.mutateAsync({ limits: { [key]: value } })} />
            ))}
          </div>
          <p className="muted small" data-testid="resets-at">
            Daily budgets reset at {resetsAtText(person.usage.resetsAt)}.
          </p>
        </div>
      </div>
    </section>
  );
}

/** People: the owner and the members, their accounts, roles, limits and usage today. */
export function PeoplePage() {
  const people = usePeople({ refetchInterval: REFRESH_MS });
  const list = people.data ? sortPeople(people.data.people) : [];
  const error = people.error ? apiErrorOf(people.error) : null;
  const missing = error?.status === 404 && error.code !== 'PERSON_NOT_FOUND';

  return (
    <div className="page">
      <header className="page__head">
        <h1>People</h1>
        <p className="muted">
          Who the assistant serves: you, the owner, and the people you pair on Telegram or name through the API. Each person has their own memories, limits and usage.
        </p>
      </header>
      {people.isPending ? (
        <div className="skeleton-list" role="status" aria-label="Loading people">
          <div className="skeleton skeleton--tall" />
          <div className="skeleton skeleton--tall" />
        </div>
      ) : missing ? (
        <p className="notice notice--warn">This API has no people routes yet (it answered 404). Update Switchboard to manage people here.</p>
      ) : error && !people.data ? (
        <div className="notice notice--error" role="alert">
          Could not load people: {error.message}{' '}
          <button type="button" className="btn btn--ghost btn--sm" onClick={() => void people.refetch()}>
            <RefreshIcon size={14} /> Retry
          </button>
        </div>
      ) : list.length === 0 ? (
        <div className="empty">
          <PeopleIcon size={26} />
          <p>No people yet. The owner appears here once the API has started.</p>
        </div>
      ) : (
        <div className="people" aria-busy={people.isFetching}>
          {list.map((p) => (
            <PersonCard key={p.id} person={p} />
          ))}
        </div>
      )}
    </div>
  );
}
