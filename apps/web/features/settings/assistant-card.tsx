'use client';
import { useQuery } from '@tanstack/react-query';
import type { ProviderStatus } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { apiErrorOf } from '../../lib/api-errors';
import { relativeTime } from '../../lib/format';
import { queryKeys } from '../../lib/query-keys';

/** Where the configuration came from, in words ("the config file /etc/sb.json"). */
export function configSourceWords(sources: string[]): string {
  const file = sources.find((s) => s.startsWith('file:'));
  if (file) return `the config file ${file.slice('file:'.length)} (SWITCHBOARD_CONFIG)`;
  return 'no config file (SWITCHBOARD_CONFIG is not set)';
}

/** The system prompt and the agents: read-only, from the config file, with where to change them. */
export function AssistantCard() {
  const api = useApi();
  const { data, error } = useQuery({ queryKey: queryKeys.assistantConfig, queryFn: () => api.client.getAssistantConfig(), staleTime: 60_000 });
  return (
    <section className="card" aria-labelledby="assistant-title">
      <h2 id="assistant-title">System prompt and agents</h2>
      {error && !data ? <p className="notice notice--error">Could not load them: {apiErrorOf(error).message}</p> : null}
      {data ? (
        <>
          <p className="muted">
            Read-only here: they come from {configSourceWords(data.configSources)}. Change <code>systemPrompt</code> and <code>agents</code> in that file
            and restart Switchboard.
          </p>
          <h3 className="settings-sub">System prompt {data.systemPromptSource === 'builtin' ? <span className="pill pill--muted">built in</span> : null}</h3>
          <pre className="prompt-box" data-testid="system-prompt">
            {data.systemPrompt}
          </pre>
          <h3 className="settings-sub">Agents</h3>
          {data.agents.length === 0 ? (
            <p className="hint">
              No agents: every conversation uses the system prompt above. An agent gives the conversations it matches (by channel and peer) its own
              prompt, model, memory and tools.
            </p>
          ) : (
            <ul className="agents">
              {data.agents.map((a) => (
                <li key={a.name} className="agents__item" data-agent={a.name}>
                  <div className="strong">{a.name}</div>
                  <div className="hint">
                    matches {a.match.channel === '*' ? 'every channel' : a.match.channel}, peer <code>{a.match.peer}</code>
                    {a.model || a.tier ? <> · model {a.model ?? a.tier}</> : null}
                    {a.memory === false ? <> · memory off</> : null}
                    {a.tools ? <> · tools: {a.tools.join(', ') || 'none'}</> : null}
                  </div>
                  {a.systemPrompt ? <pre className="prompt-box">{a.systemPrompt}</pre> : <p className="hint">Uses the system prompt above.</p>}
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </section>
  );
}

function at(iso: string | null, now: number): string {
  if (!iso) return '';
  const r = relativeTime(iso, now);
  return r === 'now' ? 'just now' : /\d[mhd]$/.test(r) ? `${r} ago` : r;
}

/** One provider's recent calls in words: "answered 3m ago", "failed 1m ago: PROVIDER_ERROR (HTTP 401)". */
export function ProviderHealthLine({ status, now = Date.now() }: { status: ProviderStatus | undefined; now?: number }) {
  if (!status) return null;
  if (status.state === 'unused') return <div className="hint" data-testid="provider-health">No call since the API started.</div>;
  return (
    <div className="provider-health" data-testid="provider-health">
      {status.lastSuccessAt ? (
        <span className="provider-health__ok">
          <span className={`pill ${status.state === 'ok' ? 'pill--ok' : 'pill--muted'}`}>answered</span> {at(status.lastSuccessAt, now)}
        </span>
      ) : null}
      {status.lastFailureAt ? (
        <span className="provider-health__fail">
          <span className={`pill ${status.state === 'failing' ? 'pill--error' : 'pill--muted'}`}>failed</span> {at(status.lastFailureAt, now)}:{' '}
          <code>{status.lastErrorCode}</code>
          {status.lastErrorStatus ? ` (HTTP ${status.lastErrorStatus})` : ''}
          {status.lastError ? <span className="provider-health__text"> — {status.lastError}</span> : null}
        </span>
      ) : null}
      {status.coolingDown.length ? <span className="hint">resting after repeated failures: {status.coolingDown.join(', ')}</span> : null}
    </div>
  );
}

/** Provider status, refreshed every 30 s while Settings is open. */
export function useProviderStatus() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.providerStatus, queryFn: () => api.client.getProviderStatus(), refetchInterval: 30_000 });
}
