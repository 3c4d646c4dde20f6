import type { ServerEventMap, ServerEventName } from '@switchboard/protocol';
import { loadConfig, ModelCatalog, type LoadedConfig } from '@switchboard/models';
import { FailoverRunner, ModelRunner } from '@switchboard/models/server';
import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';
import { FAKE_KEY, fakeCatalog } from '@switchboard/tools/testing';
import { createTransactionRunner } from '@switchboard/persistence';
import { SessionRepository } from '../store/session-repository';
import { SessionEngine, type SessionEngineOptions } from '../engine/session-engine';
import type { EngineEventSink, ModelStreamer } from '../engine/engine.types';
import { openTestDatabase, type TestDatabase, type TestDialect } from './test-database';

/** An event the engine emitted, as the harness recorded it. */
export interface RecordedEvent<E extends ServerEventName = ServerEventName> {
  event: E;
  payload: ServerEventMap[E];
}

/** An event sink that records everything and says every session is watched (so every payload is built). */
export class RecordingSink implements EngineEventSink {
  readonly events: RecordedEvent[] = [];
  watched = true;

  emit<E extends ServerEventName>(event: E, payload: ServerEventMap[E]): void {
    this.events.push({ event, payload } as RecordedEvent);
  }

  hasWatchers(): boolean {
    return this.watched;
  }

  of<E extends ServerEventName>(event: E): ServerEventMap[E][] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload as ServerEventMap[E]);
  }
}

export interface SessionHarnessOptions {
  /** Extra keys of the config file, merged over the fake catalog (agents, compaction, limits...). */
  config?: Record<string, unknown>;
  /** Use this fake LLM (kept open at close) instead of starting one. */
  fake?: FakeLlmServer;
  /** A fake model collaborator instead of the real runner over the fake LLM. */
  streamer?: ModelStreamer;
  /** Anything else the engine takes (hooks, commands, tools, partialFlushMs...). */
  engine?: Partial<Omit<SessionEngineOptions, 'repo' | 'catalog' | 'config' | 'streamer'>>;
  /** Call engine.start() (recovery, saved default); default true. */
  start?: boolean;
  /** The database to run on (default SQLite). */
  dialect?: TestDialect;
}

/** libs/session wired for a test: a real database (SQLite or PostgreSQL), real stores, the real model runner over the fake LLM. */
export interface SessionHarness {
  db: TestDatabase;
  repo: SessionRepository;
  config: LoadedConfig;
  catalog: ModelCatalog;
  fake: FakeLlmServer;
  streamer: ModelStreamer;
  events: RecordingSink;
  engine: SessionEngine;
  /** A second engine over the same database (a restart); the first should be stopped. */
  restart(options?: Partial<SessionHarnessOptions>): Promise<SessionEngine>;
  close(): Promise<void>;
}

/** Opens a fresh database, starts (or reuses) the fake LLM and builds a SessionEngine over them. */
export async function createSessionHarness(options: SessionHarnessOptions = {}): Promise<SessionHarness> {
  const fake = options.fake ?? (await startFakeLlm({ apiKey: FAKE_KEY }));
  const db = await openTestDatabase({ dialect: options.dialect });
  const config = loadConfig({ env: { FAKE_KEY }, fileText: JSON.stringify(fakeCatalog(fake, options.config ?? {})) });
  const catalog = new ModelCatalog(config);
  const streamer = options.streamer ?? new FailoverRunner(new ModelRunner({ config, catalog }), catalog, config.failover);
  const repo = new SessionRepository(db.ds, createTransactionRunner(db.ds));
  const events = new RecordingSink();
  const build = async (o: Partial<SessionHarnessOptions>) => {
    const engine = new SessionEngine({ repo, catalog, config, streamer: o.streamer ?? streamer, events, ...options.engine, ...o.engine });
    if ((o.start ?? options.start) !== false) await engine.start();
    return engine;
  };
  const engines: SessionEngine[] = [await build({})];
  return {
    db,
    repo,
    config,
    catalog,
    fake,
    streamer,
    events,
    engine: engines[0],
    async restart(o = {}) {
      const engine = await build(o);
      engines.push(engine);
      return engine;
    },
    async close() {
      for (const e of engines) await e.stop();
      await db.close();
      if (!options.fake) await fake.close();
    },
  };
}
