import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { WalCheckpointer } from '@switchboard/persistence';
import { MessageSearchIndexer, SessionEngine, SessionRepository } from '@switchboard/session/server';
import { InternalEvents } from '../core/internal-events';
import { DATA_SOURCE, LOGGER } from '../core/tokens';

/** Owns the engine's lifecycle: recovery on start, graceful stop on shutdown. */
@Injectable()
export class EngineLifecycle implements OnModuleInit, OnApplicationShutdown {
  private checkpointer: WalCheckpointer | null = null;
  private searchIndexer: MessageSearchIndexer | null = null;

  constructor(
    private readonly engine: SessionEngine,
    private readonly repo: SessionRepository,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    internal: InternalEvents,
  ) {
    // What other features tell conversations: memory's notices, and people merged into one.
    internal.on('memory.saved', (e) => this.engine.appendSystemEvent(e.sessionId, 'memory_saved', e.text, { memoryIds: e.memoryIds }));
    internal.on('memory.not_stored', (e) => this.engine.appendSystemEvent(e.sessionId, 'notice', e.text, { source: 'memory', memoryNotStored: true }));
    internal.on('person.merged', (e) => this.repo.usage.reassignPerson(e.from, e.to));
  }

  async onModuleInit(): Promise<void> {
    // SQLite's checkpoints run on a background thread, not inside a turn's COMMIT.
    this.checkpointer = WalCheckpointer.start(this.dataSource, {
      onError: (err) => this.logger.warn({ err: err.message }, 'background WAL checkpoints stopped; the writer checkpoints again'),
    });
    if (this.checkpointer && !(await this.checkpointer.ready)) this.checkpointer = null;
    // SQLite's message search index is filled in batches after the turns' writes, not inside them.
    this.searchIndexer = MessageSearchIndexer.start(this.repo.search, {
      onError: (err) => this.logger.warn({ err: err.message }, 'message search indexing failed; the next round tries again'),
    });
    await this.engine.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.engine.stop();
    await this.searchIndexer?.stop();
    await this.checkpointer?.stop();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.logger.info('engine stopped');
  }
}
