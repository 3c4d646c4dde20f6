import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  SwitchboardError,
  type Channel,
  type CreateSessionRequest,
  type ListMessagesQuery,
  type ListSessionsQuery,
  type Message,
  type ModelsResponse,
  type Session,
  type SessionUsage,
  type UsageReport,
  type UsageReportQuery,
  type UpdateSessionRequest,
  type BulkSessionAction,
  type BulkSessionResult,
  type SessionChangeKind,
  isSwitchboardError,
} from '@switchboard/protocol';
import { describeProviders, resolveGlobalDefault, validateModelRef, type LoadedConfig, type ModelCatalog } from '@switchboard/models';
import { clearsModelOverride } from '../commands/parse-command';
import type { SessionRepository } from '../store/session-repository';
import { SESSION_MODEL_KEY, SESSION_REASONING_KEY } from '../store/session-config.store';
import { DEFAULT_MODEL_PREFERENCE } from '../store/preference.store';
import type { EngineEventSink, EngineLogger, PeoplePort, TurnHooks } from '../engine/engine.types';
import { errorText } from '../engine/error-text';
import type { ModelChoice } from './model-choice';
import type { SessionEvents } from './session-events';

/** What the session service needs from the turns: stop one, and forget callers waiting on queued messages. */
export interface TurnControl {
  /** Aborts the session's running turn and waits for it; false when nothing runs. */
  stopTurn(sessionId: string): Promise<boolean>;
  /** The session is gone: its queued messages will get no reply. */
  forgetQueued(queuedIds: string[]): void;
}

export interface SessionServiceDeps {
  repo: SessionRepository;
  catalog: ModelCatalog;
  config: LoadedConfig;
  choice: ModelChoice;
  views: SessionEvents;
  events: EngineEventSink;
  log: EngineLogger;
  hooks: TurnHooks[];
  turns: TurnControl;
  people?: PeoplePort | null;
}

/** Sessions and their settings: create, list, read, model choices, reset, delete, usage. */
export class SessionService {
  constructor(private readonly deps: SessionServiceDeps) {}

  async createSession(req: CreateSessionRequest): Promise<Session> {
    const { repo, choice, config, views } = this.deps;
    const channel: Channel = req.channel ?? 'api';
    const peerId = req.peerId ?? randomUUID();
    if (req.agent && !choice.agentByName(req.agent)) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `Unknown agent "${req.agent}".`, {
        field: 'agent',
        available: config.agents.map((a) => a.name),
      });
    }
    const groupKey = req.group ?? implicitGroupKey(channel, peerId);
    const personId = this.deps.people ? await this.deps.people.conversationPerson({ channel, peerId, groupKey }) : null;
    const { session, created } = await repo.sessions.getOrCreate({
      channel,
      peerId,
      title: req.title,
      projectId: req.projectId,
      agent: req.agent,
      personId,
      groupKey,
    });
    const view = await views.view(session);
    if (created) views.emitSession('created', view);
    return view;
  }

  async listSessions(query: ListSessionsQuery = {}): Promise<Session[]> {
    const archived = query.archived === 'true' ? 'only' : query.archived === 'all' ? 'all' : 'exclude';
    const records = await this.deps.repo.sessions.list({ channel: query.channel, limit: query.limit ?? 100, archived });
    return this.deps.views.viewMany(records);
  }

  async getSession(sessionId: string): Promise<Session> {
    return this.deps.views.view(await this.deps.repo.sessions.require(sessionId));
  }

  /** Renames, archives, pins or sets whether reasoning is shown; one event per kind of change. */
  async updateSession(sessionId: string, req: UpdateSessionRequest): Promise<Session> {
    const { repo, views, log } = this.deps;
    const before = await repo.sessions.require(sessionId);
    const title = req.title?.trim();
    const { record, reasoningBefore } = await repo.transaction(async (tx) => {
      const reasoningBefore = (await tx.config.get(sessionId, SESSION_REASONING_KEY)) === 'on';
      if (req.showReasoning === true) await tx.config.set(sessionId, SESSION_REASONING_KEY, 'on');
      else if (req.showReasoning === false) await tx.config.delete(sessionId, SESSION_REASONING_KEY);
      return { record: await tx.sessions.update(sessionId, { title, archived: req.archived, pinned: req.pinned }), reasoningBefore };
    });
    const view = await views.view(record);
    const kinds: SessionChangeKind[] = [];
    if (title !== undefined && title !== before.title) kinds.push('title_change');
    if (req.archived !== undefined && req.archived !== before.archived) kinds.push('archive_change');
    if (req.pinned !== undefined && req.pinned !== before.pinned) kinds.push('pin_change');
    if (req.showReasoning !== undefined && req.showReasoning !== reasoningBefore) kinds.push('reasoning_change');
    for (const kind of kinds) views.emitSession(kind, view);
    if (kinds.length) log.info({ sessionId, changes: kinds }, 'session updated');
    return view;
  }

  /** Archives, unarchives or deletes each session (deletes through `deleteSession`); a failure is that id's result, not the call's. */
  async bulk(action: BulkSessionAction, ids: readonly string[]): Promise<BulkSessionResult[]> {
    const results: BulkSessionResult[] = [];
    for (const id of [...new Set(ids)]) {
      try {
        const session =
          action === 'delete' ? await this.deleteSession(id) : await this.updateSession(id, { archived: action === 'archive' });
        results.push({ id, ok: true, session });
      } catch (err) {
        if (!isSwitchboardError(err)) throw err;
        results.push({ id, ok: false, error: { code: err.code, message: err.message } });
      }
    }
    return results;
  }

  async listMessages(sessionId: string, query: ListMessagesQuery = {}): Promise<Message[]> {
    if (query.afterSeq !== undefined && query.beforeSeq !== undefined) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, 'beforeSeq: cannot be combined with afterSeq', { field: 'beforeSeq' });
    }
    await this.deps.repo.sessions.require(sessionId);
    return this.deps.repo.messages.list(sessionId, { limit: query.limit, afterSeq: query.afterSeq, beforeSeq: query.beforeSeq });
  }

  models(): ModelsResponse {
    const { catalog, config, choice } = this.deps;
    // The one place a gone global default is reported (turns do not repeat it).
    const def = resolveGlobalDefault(catalog, choice.global);
    return {
      models: catalog.describe(),
      defaultModel: { ...def, label: catalog.label(def.modelConfigId) },
      tiers: catalog.tiers(),
      providers: describeProviders(config),
      offlineOnly: config.offlineOnly,
    };
  }

  /** Sets the global default; never touches any session's override. */
  async setDefaultModel(ref: string): Promise<ModelsResponse> {
    const model = validateModelRef(this.deps.catalog, ref);
    await this.deps.repo.preferences.set(DEFAULT_MODEL_PREFERENCE, model.id);
    this.deps.choice.global = model.id;
    this.deps.log.info({ model: model.id }, 'global default model changed');
    const models = this.models();
    // Sessions without an override follow it from their next turn: dashboards refresh them.
    this.deps.events.emit('settings.updated', { defaultModel: models.defaultModel });
    return models;
  }

  /** Sets the session override; `default` clears it instead (one meaning on every door). */
  async setSessionModel(sessionId: string, ref: string): Promise<Session> {
    if (clearsModelOverride(ref)) return this.clearSessionModel(sessionId);
    const model = validateModelRef(this.deps.catalog, ref);
    const session = await this.deps.repo.transaction(async (tx) => {
      await tx.sessions.require(sessionId);
      await tx.config.set(sessionId, SESSION_MODEL_KEY, model.id);
      return tx.sessions.update(sessionId, {});
    });
    const view = await this.deps.views.view(session);
    this.deps.views.emitSession('model_change', view);
    return view;
  }

  async clearSessionModel(sessionId: string): Promise<Session> {
    const session = await this.deps.repo.transaction(async (tx) => {
      await tx.sessions.require(sessionId);
      await tx.config.delete(sessionId, SESSION_MODEL_KEY);
      return tx.sessions.update(sessionId, {});
    });
    const view = await this.deps.views.view(session);
    this.deps.views.emitSession('model_change', view);
    return view;
  }

  /** Clears history and every session override together (the repository's one reset); a running turn is stopped first. */
  async reset(sessionId: string): Promise<Session> {
    const { repo, views, turns, log } = this.deps;
    await repo.sessions.require(sessionId);
    await turns.stopTurn(sessionId);
    const session = await repo.clearSession(sessionId);
    await repo.eraseTraces();
    const view = await views.view(session);
    views.emitSession('history_change', view);
    log.info({ sessionId }, 'session reset');
    return view;
  }

  /**
   * Another replica deleted a session: work this replica still holds for it (memory extraction
   * of its turns, anyone waiting on its queued messages) is dropped here too.
   */
  async deletedElsewhere(sessionId: string): Promise<void> {
    const { hooks, log } = this.deps;
    for (const hook of hooks) {
      if (!hook.sessionDeleted) continue;
      await Promise.resolve()
        .then(() => hook.sessionDeleted!(sessionId))
        .catch((err) => log.warn({ sessionId, hook: hook.name, err: errorText(err) }, 'turn hook failed after a delete on another replica'));
    }
  }

  /** Deletes a session with its history, config, queue and usage; a running turn is stopped first. */
  async deleteSession(sessionId: string): Promise<Session> {
    const { repo, views, turns, hooks, log } = this.deps;
    const record = await repo.sessions.require(sessionId);
    await turns.stopTurn(sessionId);
    const last = await views.view(await repo.sessions.require(sessionId));
    const queued = await repo.queue.list(sessionId);
    await repo.sessions.delete(sessionId);
    for (const hook of hooks) {
      if (!hook.sessionDeleted) continue;
      await Promise.resolve()
        .then(() => hook.sessionDeleted!(sessionId))
        .catch((err) => log.warn({ sessionId, hook: hook.name, err: errorText(err) }, 'turn hook failed after a delete'));
    }
    await repo.eraseTraces();
    // Callers waiting on this session's queued messages get no reply: the session is gone.
    turns.forgetQueued(queued.map((q) => q.id));
    const gone: Session = { ...last, status: 'idle', queueLength: 0, version: last.version + 1 };
    views.emitSession('deleted', gone);
    log.info({ sessionId, channel: record.channel }, 'session deleted');
    return gone;
  }

  async usage(sessionId: string): Promise<SessionUsage> {
    await this.deps.repo.sessions.require(sessionId);
    return this.deps.repo.usage.summary(sessionId);
  }

  /** Usage across conversations; `from`/`to` take a UTC day or an instant (`to` exclusive, a day counts whole). */
  async usageReport(query: UsageReportQuery = {}): Promise<UsageReport> {
    const from = query.from ? usageBound(query.from, 'start') : null;
    const to = query.to ? usageBound(query.to, 'end') : null;
    if (from && to && from >= to) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, 'to: must be after from', { field: 'to' });
    }
    return this.deps.repo.usage.report({ from, to, channel: query.channel ?? null, personId: query.personId ?? null, limit: query.limit ?? 50 });
  }
}

/** A usage range bound as a UTC ISO instant: a day starts at its midnight, and as an end, ends at the next. */
function usageBound(value: string, as: 'start' | 'end'): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = new Date(`${value}T00:00:00.000Z`);
    if (as === 'end') day.setUTCDate(day.getUTCDate() + 1);
    return day.toISOString();
  }
  return new Date(value).toISOString();
}

/** A Telegram chat with a negative id is a group (topics `chat:topic` share the chat's key), also when the door did not say so. */
export function implicitGroupKey(channel: Channel, peerId: string): string | null {
  if (channel !== 'telegram') return null;
  const m = /^(-\d{1,20})(?::\d+)?$/.exec(peerId);
  return m ? m[1] : null;
}
