'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { Session, SessionUsage, UsageTotals } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { apiErrorOf } from '../../lib/api-errors';
import { formatCost, formatTokens, sessionTitle } from '../../lib/format';
import { SESSION_LIST_LIMIT, useModels, useSessionList } from '../../lib/queries';
import { queryKeys } from '../../lib/query-keys';
import { mapLimited, summariseUsage, tokensOf } from '../../lib/usage';
import { ChannelBadge } from '../chat/channel-badge';

interface Row {
  session: Session;
  usage: SessionUsage;
}

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
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col" className="num">Calls</th>
            <th scope="col" className="num">Input</th>
            <th scope="col" className="num">Output</th>
            <th scope="col" className="num">Cached</th>
            <th scope="col" className="num">Cost</th>
          </tr>
        </thead>
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

/** Usage: tokens and cost in total and per conversation, primary versus delegation. */
export function UsagePage() {
  const api = useApi();
  const sessions = useSessionList();
  const models = useModels();
  const list = sessions.data?.sessions;
  const ids = useMemo(() => (list ?? []).map((s) => s.id).join(','), [list]);
  const usage = useQuery({
    queryKey: [...queryKeys.usageAll, ids],
    enabled: Boolean(list),
    queryFn: async (): Promise<Row[]> => {
      const rows = await mapLimited(list ?? [], 6, async (session) => ({ session, usage: await api.client.getUsage(session.id) }));
      return rows;
    },
    placeholderData: (prev) => prev,
  });
  const rows = usage.data ?? [];
  const summary = useMemo(() => summariseUsage(rows.map((r) => r.usage)), [rows]);
  const used = rows.filter((r) => r.usage.total.calls > 0).sort((a, b) => tokensOf(b.usage.total) - tokensOf(a.usage.total));
  const labelOf = (id: string) => models.data?.models.find((m) => m.id === id)?.label ?? id;

  return (
    <div className="page">
      <header className="page__head">
        <h1>Usage</h1>
        <p className="muted">
          Tokens and estimated cost. Totals are summed in your browser from each conversation’s usage ({list?.length ?? 0} conversations{(list?.length ?? 0) >= SESSION_LIST_LIMIT ? ', the most recent' : ''}).
        </p>
      </header>
      {usage.isPending && !usage.data ? (
        <div className="skeleton-list">
          <div className="skeleton" />
          <div className="skeleton" />
        </div>
      ) : usage.error && !usage.data ? (
        <p className="notice notice--error">Could not load usage: {apiErrorOf(usage.error).message}</p>
      ) : (
        <>
          <div className="stats" data-testid="usage-totals">
            <Stat label="Total tokens" value={formatTokens(tokensOf(summary.total))} sub={`${summary.total.calls} model calls`} />
            <Stat label="Input" value={formatTokens(summary.total.inputTokens)} sub={`${formatTokens(summary.total.cachedTokens)} cached`} />
            <Stat label="Output" value={formatTokens(summary.total.outputTokens)} />
            <Stat label="Estimated cost" value={formatCost(summary.total.costUsd)} sub={`${formatCost(summary.delegationTotal.costUsd)} on delegation`} />
          </div>

          <section className="card" aria-labelledby="by-conversation">
            <h2 id="by-conversation">By conversation</h2>
            {used.length === 0 ? (
              <p className="muted">No model calls yet.</p>
            ) : (
              <UsageChart
                rows={used.slice(0, 12).map((r) => {
                  const d = Object.values(r.usage.delegation).reduce((n, t) => n + tokensOf(t), 0);
                  return { id: r.session.id, label: sessionTitle(r.session), primary: tokensOf(r.usage.primary), delegation: d };
                })}
              />
            )}
          </section>

          <section className="card" aria-labelledby="by-role">
            <h2 id="by-role">Primary versus delegation</h2>
            <RoleBar primary={summary.primary} delegation={summary.delegation} />
          </section>

          <section className="card" aria-labelledby="by-model">
            <h2 id="by-model">By model</h2>
            <table className="table table--compact">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col" className="num">Calls</th>
                  <th scope="col" className="num">Tokens</th>
                  <th scope="col" className="num">Cost</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(summary.byModel)
                  .sort((a, b) => tokensOf(b[1]) - tokensOf(a[1]))
                  .map(([id, t]) => (
                    <tr key={id}>
                      <td>{labelOf(id)}</td>
                      <td className="num">{t.calls}</td>
                      <td className="num">{formatTokens(tokensOf(t))}</td>
                      <td className="num">{formatCost(t.costUsd)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>

          <section className="card" aria-labelledby="per-session">
            <h2 id="per-session">Per conversation</h2>
            <div className="table-wrap">
              <table className="table table--compact">
                <thead>
                  <tr>
                    <th scope="col">Conversation</th>
                    <th scope="col" className="num">Primary</th>
                    <th scope="col" className="num">Delegation</th>
                    <th scope="col" className="num">Total</th>
                    <th scope="col" className="num">Cost</th>
                  </tr>
                </thead>
                <tbody>
                  {used.map((r) => (
                    <tr key={r.session.id}>
                      <td>
                        <Link href={`/chat/${r.session.id}`}>{sessionTitle(r.session)}</Link> <ChannelBadge channel={r.session.channel} />
                      </td>
                      <td className="num">{formatTokens(tokensOf(r.usage.primary))}</td>
                      <td className="num">{formatTokens(Object.values(r.usage.delegation).reduce((n, t) => n + tokensOf(t), 0))}</td>
                      <td className="num">{formatTokens(tokensOf(r.usage.total))}</td>
                      <td className="num">{formatCost(r.usage.total.costUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </div>
  );
}
