'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { Channel, UsageTotals } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { apiErrorOf } from '../../lib/api-errors';
import { channelLabel, formatCost, formatTokens, sessionTitle } from '../../lib/format';
import { OWNER_PERSON_ID, sortPeople, usagePersonName } from '../../lib/people';
import { useModels, usePeople } from '../../lib/queries';
import { queryKeys } from '../../lib/query-keys';
import { addTotals, tokensOf, zeroTotals } from '../../lib/usage';
import { ChannelBadge } from '../chat/channel-badge';
import { fillDays, RANGE_LABELS, rangeFor, type RangePreset } from './usage-range';

const CHANNELS: Channel[] = ['web', 'telegram', 'api', 'job'];

/** Tokens per UTC day as vertical bars; the "By day" table below is its accessible twin. */
export function DayChart({ days }: { days: Array<{ day: string; tokens: number }> }) {
  const max = Math.max(1, ...days.map((d) => d.tokens));
  const total = days.reduce((n, d) => n + d.tokens, 0);
  const busiest = days.reduce<{ day: string; tokens: number } | null>((b, d) => (!b || d.tokens > b.tokens ? d : b), null);
  return (
    <figure className="daychart" aria-describedby="by-day-table-note">
      <div
        className="daychart__bars"
        role="img"
        aria-label={`Tokens per day from ${days[0]?.day} to ${days[days.length - 1]?.day}: ${formatTokens(total)} in all${busiest && busiest.tokens ? `, most on ${busiest.day} (${formatTokens(busiest.tokens)})` : ''}.`}
      >
        {days.map((d) => (
          <span key={d.day} className="daychart__col" title={`${d.day}: ${formatTokens(d.tokens)} tokens`}>
            <span className="daychart__bar" style={{ height: `${d.tokens ? Math.max(2, (d.tokens / max) * 100) : 0}%` }} />
          </span>
        ))}
      </div>
      <figcaption className="daychart__axis">
        <span>{days[0]?.day}</span>
        <span>peak {formatTokens(max === 1 && !busiest?.tokens ? 0 : max)}</span>
        <span>{days[days.length - 1]?.day}</span>
      </figcaption>
    </figure>
  );
}

/** Conversations listed on the page, the most used first. */
const REPORT_SESSIONS = 100;

function Stat({ label, value, sub }: { label: string; value: string; sub?: string }) {
  return (
    <div className="stat">
      <div className="stat__label">{label}</div>
      <div className="stat__value">{value}</div>
      {sub ? <div className="stat__sub">{sub}</div> : null}
    </div>
  );
}

/** Horizontal stacked bars: primary (replies) and delegation (side work) tokens per conversation. */
export function UsageChart({ rows }: { rows: Array<{ id: string; label: string; primary: number; delegation: number }> }) {
  const max = Math.max(1, ...rows.map((r) => r.primary + r.delegation));
  return (
    <figure className="chart">
      <ul className="chart__rows" aria-label="Tokens per conversation, primary and delegation">
        {rows.map((r) => (
          <li key={r.id} className="chart__row">
            <span className="chart__label" title={r.label}>
              {r.label}
            </span>
            <span className="chart__track" aria-hidden>
              <span className="chart__primary" style={{ width: `${(r.primary / max) * 100}%` }} />
              <span className="chart__delegation" style={{ width: `${(r.delegation / max) * 100}%` }} />
            </span>
            <span className="chart__value">
              {formatTokens(r.primary + r.delegation)}
              <span className="visually-hidden">
                {' '}
                tokens: {formatTokens(r.primary)} primary, {formatTokens(r.delegation)} delegation
              </span>
            </span>
          </li>
        ))}
      </ul>
      <figcaption className="chart__legend">
        <span>
          <i className="swatch swatch--primary" /> primary (replies)
        </span>
        <span>
          <i className="swatch swatch--delegation" /> delegation (side work)
        </span>
      </figcaption>
    </figure>
  );
}

/** A table head: the first column names the rows, the others are numbers. */
function HeadRow({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => (
          <th key={c} scope="col" className={i > 0 ? 'num' : undefined}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** Calls, tokens and cost per row (a model, a day). */
function TotalsTable({ label, rows, testId }: { label: string; rows: Array<{ key: string; name: string; total: UsageTotals }>; testId?: string }) {
  return (
    <table className="table table--compact" data-testid={testId}>
      <HeadRow columns={[label, 'Calls', 'Tokens', 'Cost']} />
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td>{r.name}</td>
            <td className="num">{r.total.calls}</td>
            <td className="num">{formatTokens(tokensOf(r.total))}</td>
            <td className="num">{formatCost(r.total.costUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "memory_extraction" → "Memory extraction" */
export function roleLabel(role: string): string {
  const words = role.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function RoleBar({ primary, delegation }: { primary: UsageTotals; delegation: Record<string, UsageTotals> }) {
  const parts = [{ role: 'primary', t: primary }, ...Object.entries(delegation).map(([role, t]) => ({ role, t }))];
  const total = parts.reduce((n, p) => n + tokensOf(p.t), 0) || 1;
  return (
    <div className="rolebar-wrap">
      <div className="rolebar" aria-hidden>
        {parts.map((p, i) => (
          <span key={p.role} className={`rolebar__seg rolebar__seg--${i === 0 ? 'primary' : 'delegation'}`} style={{ width: `${(tokensOf(p.t) / total) * 100}%`, opacity: i === 0 ? 1 : 1 - Math.min(0.6, i * 0.15) }} />
        ))}
      </div>
      <table className="table table--compact">
        <HeadRow columns={['Role', 'Calls', 'Input', 'Output', 'Cached', 'Cost']} />
        <tbody>
          {parts.map((p) => (
            <tr key={p.role}>
              <td>{p.role === 'primary' ? 'Primary (replies)' : roleLabel(p.role)}</td>
              <td className="num">{p.t.calls}</td>
              <td className="num">{formatTokens(p.t.inputTokens)}</td>
              <td className="num">{formatTokens(p.t.outputTokens)}</td>
              <td className="num">{formatTokens(p.t.cachedTokens)}</td>
              <td className="num">{formatCost(p.t.costUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Usage: tokens and cost in total, per role, model, day and conversation (the API adds it up). */
export function UsagePage() {
  const api = useApi();
  const models = useModels();
  const peopleQuery = usePeople();
  const people = peopleQuery.data ? sortPeople(peopleQuery.data.people) : peopleQuery.isError ? [] : undefined;
  const [personId, setPersonId] = useState('');
  const [channel, setChannel] = useState<Channel | ''>('');
  const [preset, setPreset] = useState<RangePreset>('all');
  const [custom, setCustom] = useState<{ from?: string; to?: string }>({});
  // "Today" is the UTC day of the page load (the report's days are UTC days).
  const [now] = useState(() => Date.now());
  const range = rangeFor(preset, now, custom);
  const filter = { ...(personId ? { personId } : {}), ...(channel ? { channel } : {}), ...range };
  const usage = useQuery({
    queryKey: queryKeys.usageReport(filter),
    queryFn: () => api.client.getUsageReport({ limit: REPORT_SESSIONS, ...filter }),
    placeholderData: (prev) => prev,
  });
  const filtered = preset !== 'all' || channel !== '' || personId !== '';
  const report = usage.data;
  const labelOf = (id: string) => models.data?.models.find((m) => m.id === id)?.label ?? id;
  const delegationTotal = report ? Object.values(report.delegation).reduce(addTotals, zeroTotals()) : zeroTotals();
  const byPerson = report?.byPerson ? Object.entries(report.byPerson).sort((a, b) => tokensOf(b[1]) - tokensOf(a[1])) : [];
  const who = personId ? usagePersonName(people, personId) : null;

  return (
    <div className="page">
      <header className="page__head">
        <h1>Usage</h1>
        <p className="muted">
          Tokens and estimated cost {who ? `caused by ${who}` : 'across all conversations'}
          {report ? ` (${report.sessionCount} with model calls${report.sessionCount > report.sessions.length ? `; the ${report.sessions.length} most used are listed` : ''})` : ''}.
        </p>
      </header>
      <div className="toolbar">
        <div className="field-row usage-filter">
          <label htmlFor="usage-person" className="field-label">
            Person
          </label>
          <select id="usage-person" value={personId} onChange={(e) => setPersonId(e.target.value)}>
            <option value="">Everyone</option>
            {(people ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName}
                {p.id === OWNER_PERSON_ID ? ' (you)' : ''}
              </option>
            ))}
            {personId && !(people ?? []).some((p) => p.id === personId) ? <option value={personId}>{usagePersonName(people, personId)}</option> : null}
          </select>
          <label htmlFor="usage-channel" className="field-label">
            Channel
          </label>
          <select id="usage-channel" value={channel} onChange={(e) => setChannel(e.target.value as Channel | '')}>
            <option value="">Every channel</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {channelLabel(c)}
              </option>
            ))}
          </select>
          {usage.isFetching && report ? (
            <span className="muted small" role="status">
              Updating…
            </span>
          ) : null}
        </div>
        <div className="usage-range">
          <div className="segmented" role="group" aria-label="Date range">
            {(Object.keys(RANGE_LABELS) as RangePreset[]).map((p) => (
              <button key={p} type="button" className={preset === p ? 'is-on' : undefined} aria-pressed={preset === p} onClick={() => setPreset(p)}>
                {RANGE_LABELS[p]}
              </button>
            ))}
          </div>
          {preset === 'custom' ? (
            <div className="usage-range__custom">
              <label className="field-label" htmlFor="usage-from">
                From
              </label>
              <input id="usage-from" type="date" value={custom.from ?? ''} max={custom.to} onChange={(e) => setCustom((c) => ({ ...c, from: e.target.value || undefined }))} />
              <label className="field-label" htmlFor="usage-to">
                To
              </label>
              <input id="usage-to" type="date" value={custom.to ?? ''} min={custom.from} onChange={(e) => setCustom((c) => ({ ...c, to: e.target.value || undefined }))} />
            </div>
          ) : null}
        </div>
      </div>
      {usage.isPending && !report ? (
        <div className="skeleton-list">
          <div className="skeleton" />
          <div className="skeleton" />
        </div>
      ) : usage.error && !report ? (
        <p className="notice notice--error">Could not load usage: {apiErrorOf(usage.error).message}</p>
      ) : report && report.total.calls === 0 ? (
        <section className="card usage-empty" data-testid="usage-empty">
          <h2>{filtered ? 'No model calls match these filters' : 'No usage yet'}</h2>
          <p>
            Every reply and every piece of side work (titles, memory extraction, compaction) is counted here: tokens in and out, cached tokens and the
            estimated cost, per model, per role, per person, per day and per conversation, from every door — the dashboard, Telegram, the API and
            scheduled jobs.
          </p>
          <p className="hint">
            {filtered ? (
              'Widen the date range, or choose every channel and everyone.'
            ) : (
              <>
                Start a conversation in <Link href="/chat">Chat</Link> and the numbers appear after the first reply. The offline demo model counts tokens
                but costs nothing.
              </>
            )}
          </p>
        </section>
      ) : report ? (
        <>
          <div className="stats" data-testid="usage-totals">
            <Stat label="Total tokens" value={formatTokens(tokensOf(report.total))} sub={`${report.total.calls} model calls`} />
            <Stat label="Input" value={formatTokens(report.total.inputTokens)} sub={`${formatTokens(report.total.cachedTokens)} cached`} />
            <Stat label="Output" value={formatTokens(report.total.outputTokens)} />
            <Stat label="Estimated cost" value={formatCost(report.total.costUsd)} sub={`${formatCost(delegationTotal.costUsd)} on delegation`} />
          </div>

          {byPerson.length > 0 && !personId ? (
            <section className="card" aria-labelledby="by-person">
              <h2 id="by-person">By person</h2>
              <table className="table table--compact" data-testid="usage-by-person">
                <HeadRow columns={['Person', 'Calls', 'Tokens', 'Cost']} />
                <tbody>
                  {byPerson.map(([id, total]) => (
                    <tr key={id}>
                      <td>
                        {id === 'unknown' ? (
                          <span className="muted" title="Calls without a known speaker (older history, a group member the door did not name)">
                            Unattributed
                          </span>
                        ) : (
                          <button type="button" className="link-button" onClick={() => setPersonId(id)} title="Show only this person's usage">
                            {usagePersonName(people, id)}
                          </button>
                        )}
                      </td>
                      <td className="num">{total.calls}</td>
                      <td className="num">{formatTokens(tokensOf(total))}</td>
                      <td className="num">{formatCost(total.costUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}

          <section className="card" aria-labelledby="by-conversation">
            <h2 id="by-conversation">By conversation</h2>
            {report.sessions.length === 0 ? (
              <p className="muted">No model calls yet.</p>
            ) : (
              <UsageChart
                rows={report.sessions.slice(0, 12).map((r) => ({
                  id: r.sessionId,
                  label: sessionTitle(r),
                  primary: tokensOf(r.primary),
                  delegation: tokensOf(r.delegation),
                }))}
              />
            )}
          </section>

          <section className="card" aria-labelledby="by-role">
            <h2 id="by-role">Primary versus delegation</h2>
            <RoleBar primary={report.primary} delegation={report.delegation} />
          </section>

          <section className="card" aria-labelledby="by-model">
            <h2 id="by-model">By model</h2>
            <TotalsTable
              label="Model"
              rows={Object.entries(report.byModel)
                .sort((a, b) => tokensOf(b[1]) - tokensOf(a[1]))
                .map(([id, total]) => ({ key: id, name: labelOf(id), total }))}
            />
          </section>

          <section className="card" aria-labelledby="by-day">
            <h2 id="by-day">Tokens per day (UTC)</h2>
            <DayChart days={fillDays(report.byDay, range.from, range.to)} />
            <p className="visually-hidden" id="by-day-table-note">
              The table below lists the same days with their calls, tokens and cost.
            </p>
            <div className="table-wrap" tabIndex={0} role="region" aria-label="Usage by day">
              <TotalsTable
                label="Day"
                testId="usage-by-day"
                rows={report.byDay
                  .slice(-14)
                  .reverse()
                  .map((d) => ({ key: d.day, name: d.day, total: d.total }))}
              />
            </div>
          </section>

          <section className="card" aria-labelledby="per-session">
            <h2 id="per-session">Per conversation</h2>
            <div className="table-wrap" tabIndex={0} role="region" aria-label="Usage per conversation">
              <table className="table table--compact">
                <HeadRow columns={['Conversation', 'Primary', 'Delegation', 'Total', 'Cost']} />
                <tbody>
                  {report.sessions.map((r) => (
                    <tr key={r.sessionId}>
                      <td>
                        <Link href={`/chat/${r.sessionId}`}>{sessionTitle(r)}</Link> <ChannelBadge channel={r.channel} />
                      </td>
                      <td className="num">{formatTokens(tokensOf(r.primary))}</td>
                      <td className="num">{formatTokens(tokensOf(r.delegation))}</td>
                      <td className="num">{formatTokens(tokensOf(r.total))}</td>
                      <td className="num">{formatCost(r.total.costUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      ) : null}
    </div>
  );
}
