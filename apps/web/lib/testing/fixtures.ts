/** Plain protocol objects for unit tests of the dashboard. */
import type { Message, ModelsResponse, Person, QueuedMessage, Session } from '@switchboard/protocol';

const T0 = Date.parse('2026-01-01T10:00:00.000Z');
export const iso = (offsetSeconds: number): string => new Date(T0 + offsetSeconds * 1000).toISOString();

export function session(overrides: Partial<Session> & { id: string }): Session {
  return {
    channel: 'web',
    peerId: overrides.id,
    title: null,
    projectId: null,
    agent: null,
    status: 'idle',
    version: 1,
    modelOverride: null,
    lastModelConfigId: null,
    effectiveModel: { modelConfigId: 'main', source: 'global', label: 'Fake Main', warnings: [] },
    queueLength: 0,
    createdAt: iso(0),
    updatedAt: iso(0),
    lastActivityAt: iso(0),
    ...overrides,
  };
}

export function message(overrides: Partial<Message> & { id: string; seq: number }): Message {
  return {
    sessionId: 's1',
    turnId: null,
    role: 'user',
    kind: 'text',
    content: `message ${overrides.seq}`,
    parts: [],
    status: 'complete',
    modelConfigId: null,
    modelSource: null,
    modelLabel: null,
    warnings: [],
    usage: null,
    event: null,
    createdAt: iso(overrides.seq),
    ...overrides,
  };
}

export function queued(overrides: Partial<QueuedMessage> & { id: string; position: number }): QueuedMessage {
  return {
    sessionId: 's1',
    text: `queued ${overrides.id}`,
    modelConfigId: 'main',
    modelSource: 'global',
    createdAt: iso(overrides.position),
    ...overrides,
  };
}

export function models(overrides: Partial<ModelsResponse> = {}): ModelsResponse {
  const base = { enabled: true, contextWindow: 100_000, price: null, fallbacks: [], aliases: [] as string[] };
  return {
    models: [
      { ...base, id: 'main', label: 'Fake Main', provider: 'fake', providerType: 'openai-compatible', model: 'fake-main', tier: 'default', aliases: ['gpt'] },
      { ...base, id: 'quick', label: 'Fake Quick', provider: 'fake', providerType: 'openai-compatible', model: 'fake-quick', tier: 'fast' },
      { ...base, id: 'claude', label: 'Fake Claude', provider: 'fakeanthropic', providerType: 'anthropic', model: 'claude-fake', tier: 'complex', aliases: ['sonnet'] },
      { ...base, id: 'old', label: 'Old Model', provider: 'fake', providerType: 'openai-compatible', model: 'old', tier: null, enabled: false },
    ],
    defaultModel: { modelConfigId: 'main', source: 'global', label: 'Fake Main', warnings: [] },
    tiers: { fast: 'quick', default: 'main', complex: 'claude', local: null },
    providers: [
      { id: 'fake', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', hasApiKey: true },
      { id: 'fakeanthropic', type: 'anthropic', baseUrl: null, hasApiKey: false },
    ],
    offlineOnly: false,
    ...overrides,
  };
}

export function person(overrides: Partial<Person> & { id: string }): Person {
  return {
    displayName: overrides.id,
    role: 'member',
    identities: [],
    limits: { messagesPerMinute: null, tokensPerDay: null, costPerDayUsd: null },
    limitOverrides: {},
    usage: { day: '2026-01-01', tokens: 0, costUsd: 0, messagesLastMinute: 0, resetsAt: '2026-01-02T00:00:00.000Z' },
    createdAt: iso(0),
    updatedAt: iso(0),
    ...overrides,
  };
}
