import { backOff } from 'exponential-backoff';
import type { DataSource, EntityManager } from 'typeorm';
import { isBusyError, type TransactionRunner } from '@switchboard/persistence';
import { AttachmentStore } from './attachment.store';
import { clearSession } from './clear-session';
import { MessageStore } from './message.store';
import { MessageSearchStore } from './message-search.store';
import { PreferenceStore } from './preference.store';
import { QueueStore } from './queue.store';
import { SessionConfigStore } from './session-config.store';
import { SessionStore, type SessionRecord } from './session.store';
import { UsageStore } from './usage.store';
import { TurnLeaseStore } from './turn-lease.store';

/** Every store of libs/session bound to one manager, plus a way to run several in one transaction. */
export class SessionRepository {
  readonly sessions: SessionStore;
  readonly messages: MessageStore;
  readonly config: SessionConfigStore;
  readonly preferences: PreferenceStore;
  readonly queue: QueueStore;
  readonly usage: UsageStore;
  readonly search: MessageSearchStore;
  readonly leases: TurnLeaseStore;
  readonly attachments: AttachmentStore;

  /** `manager` is for `transaction()`; callers leave it out to bind to `ds.manager`. */
  constructor(
    private readonly ds: DataSource,
    private readonly tx: TransactionRunner,
    private readonly manager: EntityManager = ds.manager,
  ) {
    this.sessions = new SessionStore(manager);
    this.messages = new MessageStore(manager);
    this.config = new SessionConfigStore(manager);
    this.preferences = new PreferenceStore(manager);
    this.queue = new QueueStore(manager);
    this.usage = new UsageStore(manager);
    this.search = new MessageSearchStore(manager);
    this.leases = new TurnLeaseStore(manager);
    this.attachments = new AttachmentStore(manager);
  }

  /** Runs fn with every store bound to one transaction: all its writes commit or none do. */
  transaction<T>(fn: (repo: SessionRepository) => Promise<T>): Promise<T> {
    return this.tx.run((m) => fn(new SessionRepository(this.ds, this.tx, m)));
  }

  /**
   * Like transaction(), retried while the database answers busy (another process holding the
   * write lock past the busy timeout); other errors fail at once.
   */
  transactionWithRetry<T>(fn: (repo: SessionRepository) => Promise<T>, attempts = 4): Promise<T> {
    return backOff(() => this.transaction(fn), { numOfAttempts: attempts, startingDelay: 50, maxDelay: 1000, jitter: 'full', retry: (err) => isBusyError(err) });
  }

  /** After a delete that must leave the disk: see TransactionRunner.eraseTraces. */
  eraseTraces(): Promise<void> {
    return this.tx.eraseTraces();
  }

  /** `/reset`: clears history and overrides in one transaction and bumps the version. */
  clearSession(sessionId: string): Promise<SessionRecord> {
    return this.manager.queryRunner?.isTransactionActive
      ? clearSession(this.manager, sessionId)
      : this.tx.run((m) => clearSession(m, sessionId));
  }
}
