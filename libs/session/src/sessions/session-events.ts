import { type Message, type PersonRef, type Session, type SessionChangeKind } from '@switchboard/protocol';
import type { ModelCatalog } from '@switchboard/models';
import type { SessionRepository } from '../store/session-repository';
import type { SessionRecord } from '../store/session.store';
import { SESSION_MODEL_KEY, SESSION_REASONING_KEY } from '../store/session-config.store';
import type { EngineEventSink, EngineLogger, PeoplePort } from '../engine/engine.types';
import { errorText } from '../engine/error-text';
import type { ModelChoice } from './model-choice';

/** The session view (what every door shows) and the events that carry it to watchers. */
export class SessionEvents {
  constructor(
    private readonly deps: {
      repo: SessionRepository;
      catalog: ModelCatalog;
      choice: ModelChoice;
      events: EngineEventSink;
      log: EngineLogger;
      people?: PeoplePort | null;
    },
  ) {}

  /** Stores a system event (e.g. "memory saved") in a session's history and pushes it to watchers. */
  async appendSystemEvent(sessionId: string, kind: Message['kind'], content: string, event: Record<string, unknown> | null = null): Promise<Message> {
    const message = await this.deps.repo.messages.append({ sessionId, role: 'system', kind, content, event });
    this.deps.events.emit('message.created', { sessionId, message });
    return message;
  }

  /** One session's view. */
  async view(s: SessionRecord): Promise<Session> {
    return (await this.viewMany([s]))[0];
  }

  /** The views of many sessions, in their order, with a fixed number of queries whatever their count. */
  async viewMany(records: readonly SessionRecord[]): Promise<Session[]> {
    const { repo, catalog, choice } = this.deps;
    if (records.length === 0) return [];
    const ids = records.map((s) => s.id);
    const overrides = await repo.config.getMany(ids, SESSION_MODEL_KEY);
    const reasoning = await repo.config.getMany(ids, SESSION_REASONING_KEY);
    const queueLengths = await repo.queue.countMany(ids);
    const personIds = records.flatMap((s) => (s.personId ? [s.personId] : []));
    const people = personIds.length && this.deps.people ? await this.deps.people.refs(personIds) : new Map<string, PersonRef>();
    return records.map((s) => {
      const override = overrides.get(s.id) ?? null;
      const eff = choice.resolveFor(s, { session: override });
      return {
        id: s.id,
        channel: s.channel,
        peerId: s.peerId,
        title: s.title,
        projectId: s.projectId,
        agent: s.agent,
        status: s.status,
        version: s.version,
        modelOverride: override,
        lastModelConfigId: s.lastModelConfigId,
        effectiveModel: { ...eff, label: catalog.label(eff.modelConfigId) },
        queueLength: queueLengths.get(s.id) ?? 0,
        person: (s.personId && people.get(s.personId)) || null,
        group: s.groupKey,
        archived: s.archived,
        pinned: s.pinned,
        showReasoning: reasoning.get(s.id) === 'on',
        createdAt: s.createdAt,
        updatedAt: s.updatedAt,
        lastActivityAt: s.lastActivityAt,
      };
    });
  }

  emitSession(kind: SessionChangeKind, session: Session): void {
    this.deps.events.emit('session.updated', { kind, session, version: session.version });
  }

  /** Builds the session view only when someone is watching. */
  emitSessionLazy(kind: SessionChangeKind, record: SessionRecord): void {
    if (!this.deps.events.hasWatchers(record.id, 'session.updated')) return;
    void this.view(record).then(
      (v) => this.emitSession(kind, v),
      (err) => this.deps.log.warn({ sessionId: record.id, err: errorText(err) }, 'could not build session event'),
    );
  }

  async emitQueue(sessionId: string): Promise<void> {
    const { events, repo } = this.deps;
    const queueWatched = events.hasWatchers(sessionId, 'queue.updated');
    const sessionWatched = events.hasWatchers(sessionId, 'session.updated');
    if (!queueWatched && !sessionWatched) return;
    const session = await repo.sessions.get(sessionId);
    if (!session) return;
    if (queueWatched) events.emit('queue.updated', { sessionId, version: session.version, queue: await repo.queue.list(sessionId) });
    if (sessionWatched) this.emitSession('queue_change', await this.view(session));
  }
}
