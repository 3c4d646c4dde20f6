/** Server-only code of libs/session (Node): entities, migrations, the data source, transactions and stores. */
export * from './index';
export { DEFAULT_SYSTEM_PROMPT } from './context/conversation-context';
export { sessionEntities, sessionMigrations } from './db/session-schema';
export { InitSessions1763683200000 } from './db/migrations/1763683200000-init-sessions.migration';
export * from './store/session.store';
export * from './store/message.store';
export * from './store/message-search.store';
export * from './store/session-config.store';
export * from './store/preference.store';
export * from './store/queue.store';
export * from './store/usage.store';
export * from './store/clear-session';
export * from './store/session-repository';
export * from './engine/engine.types';
export { SessionEngine, type SessionEngineOptions } from './engine/session-engine';
export { Delegator, type DelegationRequest, type DelegationResult } from './delegation/delegator';
export { buildPrompt, type BuildPromptInput, type BuiltPrompt } from './context/build-prompt';
export * from './turns/stateless-turn';
