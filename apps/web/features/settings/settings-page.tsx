'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ModelInfo, ModelsResponse, Tier } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { apiErrorOf } from '../../lib/api-errors';
import { sourceLabel } from '../../lib/format';
import { useModels } from '../../lib/queries';
import { queryKeys } from '../../lib/query-keys';
import { AlertIcon, CheckIcon } from '../shell/icons';
import { AssistantCard, ProviderHealthLine, useProviderStatus } from './assistant-card';
import { ConversationArchiveCard } from './conversation-archive-card';

const TIERS: Tier[] = ['fast', 'default', 'complex', 'local'];

function price(m: ModelInfo): string {
  if (!m.price) return '—';
  if (m.price.input === 0 && m.price.output === 0) return 'free';
  return `$${m.price.input} / $${m.price.output}`;
}

/** Shown when only the built-in offline model exists: how to add a real provider. */
export function OfflineBanner() {
  return (
    <div className="banner banner--warn" role="status" data-testid="offline-banner">
      <AlertIcon size={18} />
      <div>
        <strong>Only the offline demo model is available.</strong> Replies are placeholders until you add a real provider. Set one of these and restart
        Switchboard (<code>npm start</code>):
        <ul>
          <li>
            <code>OPENAI_API_KEY</code> (and optionally <code>OPENAI_BASE_URL</code> for vLLM, LM Studio or OpenRouter)
          </li>
          <li>
            <code>ANTHROPIC_API_KEY</code>
          </li>
          <li>
            <code>OLLAMA_BASE_URL</code>, e.g. <code>http://127.0.0.1:11434</code>
          </li>
          <li>
            or point <code>SWITCHBOARD_CONFIG</code> at a JSON config file (see the README).
          </li>
        </ul>
      </div>
    </div>
  );
}

function DefaultModelCard({ models }: { models: ModelsResponse }) {
  const api = useApi();
  const qc = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const enabled = models.models.filter((m) => m.enabled);
  // The saved default is gone (the warning says so): the list shows no model as chosen, so picking
  // any one (the one in use included, which would otherwise be no change) saves it.
  const needsChoice = models.defaultModel.warnings.length > 0;

  const change = async (model: string) => {
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      const next = await api.client.setDefaultModel(model);
      qc.setQueryData(queryKeys.models, next);
      // This tab refreshes at once; other tabs get the `settings.updated` event.
      await qc.invalidateQueries({ queryKey: queryKeys.sessions });
      setSaved(true);
    } catch (err) {
      setError(apiErrorOf(err).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="card" aria-labelledby="default-model-title">
      <h2 id="default-model-title">Default model</h2>
      <p className="muted">
        New conversations and those without a model of their own use this, from their next reply. Conversations with their own model keep it.
      </p>
      <div className="field-row">
        <label htmlFor="default-model" className="field-label">
          Global default
        </label>
        <select
          id="default-model"
          value={needsChoice ? '' : models.defaultModel.modelConfigId}
          onChange={(e) => e.target.value && void change(e.target.value)}
          disabled={saving}
        >
          {needsChoice ? (
            <option value="" disabled>
              Choose a default ({models.defaultModel.label} in use meanwhile)
            </option>
          ) : null}
          {enabled.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label} ({m.id}
              {m.tier ? ` · ${m.tier}` : ''})
            </option>
          ))}
        </select>
        <span className="muted small" data-testid="default-source">
          {sourceLabel(models.defaultModel.source)}
        </span>
        {saved ? (
          <span className="saved" role="status">
            <CheckIcon size={14} /> Saved
          </span>
        ) : null}
      </div>
      {models.defaultModel.warnings.map((w) => (
        <p key={w} className="notice notice--warn">
          {w}
        </p>
      ))}
      {error ? (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}

function CatalogCard({ models }: { models: ModelsResponse }) {
  return (
    <section className="card" aria-labelledby="catalog-title">
      <h2 id="catalog-title">Model catalog</h2>
      <div className="tiers" aria-label="Tiers">
        {TIERS.map((t) => {
          const id = models.tiers[t];
          const m = id ? models.models.find((x) => x.id === id) : undefined;
          return (
            <div key={t} className="tiers__item">
              <span className="tier">{t}</span>
              <span>{m ? m.label : <span className="muted">none</span>}</span>
            </div>
          );
        })}
      </div>
      {/* Focusable so keyboard users can scroll it sideways on a phone (axe: scrollable-region-focusable). */}
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Models">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Provider</th>
              <th scope="col">Tier</th>
              <th scope="col">Aliases</th>
              <th scope="col" className="num">
                Context
              </th>
              <th scope="col" className="num" title="USD per million tokens, input / output">
                Price /M
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {models.models.map((m) => (
              <tr key={m.id} className={m.enabled ? undefined : 'is-disabled'}>
                <td>
                  <div className="strong">{m.label}</div>
                  <div className="muted small mono">
                    {m.id} · {m.model}
                  </div>
                </td>
                <td>
                  {m.provider}
                  <div className="muted small">{m.providerType}</div>
                </td>
                <td>{m.tier ? <span className="tier">{m.tier}</span> : <span className="muted">—</span>}</td>
                <td className="mono small">{m.aliases.length ? m.aliases.join(', ') : <span className="muted">—</span>}</td>
                <td className="num">{m.contextWindow.toLocaleString()}</td>
                <td className="num">{price(m)}</td>
                <td>{m.enabled ? <span className="pill pill--ok">enabled</span> : <span className="pill pill--muted">disabled</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ProvidersCard({ models }: { models: ModelsResponse }) {
  const status = useProviderStatus().data;
  return (
    <section className="card" aria-labelledby="providers-title">
      <h2 id="providers-title">Providers</h2>
      <p className="muted">Keys are never shown: only whether one is configured, and how each provider answered since the API started.</p>
      <ul className="providers">
        {models.providers.map((p) => (
          <li key={p.id} className="providers__item">
            <div>
              <div className="strong">{p.id}</div>
              <div className="muted small">
                {p.type}
                {p.baseUrl ? <> · <span className="mono">{p.baseUrl}</span></> : null}
              </div>
              <ProviderHealthLine status={status?.providers.find((s) => s.id === p.id)} />
            </div>
            {p.type === 'offline' ? (
              <span className="pill pill--muted">built in</span>
            ) : p.hasApiKey ? (
              <span className="pill pill--ok">key configured</span>
            ) : (
              <span className="pill pill--muted">no key</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Settings: the global default model, the catalog with tiers and aliases, configured providers. */
export function SettingsPage() {
  const { data, error, isPending } = useModels();
  return (
    <div className="page">
      <header className="page__head">
        <h1>Settings</h1>
      </header>
      {isPending ? <div className="skeleton-list"><div className="skeleton" /><div className="skeleton" /></div> : null}
      {error && !data ? <p className="notice notice--error">Could not load the models: {apiErrorOf(error).message}</p> : null}
      {data ? (
        <>
          {data.offlineOnly ? <OfflineBanner /> : null}
          <DefaultModelCard models={data} />
          <CatalogCard models={data} />
          <ProvidersCard models={data} />
          <AssistantCard />
          <ConversationArchiveCard />
        </>
      ) : null}
    </div>
  );
}
