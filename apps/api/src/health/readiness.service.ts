import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { ModelCatalog } from '@switchboard/models';
import { ErrorCode, SwitchboardError, type ReadyChecks, type ReadyResponse } from '@switchboard/protocol';
import { DATA_SOURCE, LOGGER } from '../core/tokens';

/** A probe must answer quickly: a database that takes longer than this counts as down. */
const DATABASE_CHECK_TIMEOUT_MS = 2000;

/**
 * Readiness for load balancers, polled every few seconds: one `SELECT 1` per call; the
 * migrations are checked until they first pass (applied migrations do not come undone while
 * the process runs); the catalog is built at start-up, so it is checked for a usable model.
 */
@Injectable()
export class ReadinessService {
  private migrationsApplied = false;
  /** The last answer, so only a change is logged (probes poll every few seconds). */
  private wasReady: boolean | null = null;
  private lastDatabaseError: string | null = null;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly catalog: ModelCatalog,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The ready answer, or a NOT_READY error naming each check. */
  async ready(): Promise<ReadyResponse> {
    const checks = await this.checks();
    const failing = Object.entries(checks).filter(([, state]) => state !== 'ok');
    const ready = failing.length === 0;
    if (ready !== this.wasReady) {
      if (ready) this.logger.info({ checks }, 'ready');
      else this.logger.warn({ checks, databaseError: this.lastDatabaseError }, 'not ready');
      this.wasReady = ready;
    }
    if (ready) return { status: 'ready', checks };
    throw new SwitchboardError(ErrorCode.NOT_READY, `Not ready: ${failing.map(([name, state]) => `${name} ${state}`).join(', ')}.`, { checks });
  }

  private async checks(): Promise<ReadyChecks> {
    const database = (await this.databaseAnswers()) ? 'ok' : 'failed';
    const migrations = this.migrationsApplied ? 'ok' : database === 'ok' ? await this.migrationsCheck() : 'unknown';
    const catalog = this.catalog.enabled().length > 0 ? 'ok' : 'failed';
    return { database, migrations, catalog };
  }

  private async databaseAnswers(): Promise<boolean> {
    this.lastDatabaseError = null;
    if (!this.ds.isInitialized) {
      this.lastDatabaseError = 'the DataSource is closed';
      return false;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => {
        this.lastDatabaseError = `no answer within ${DATABASE_CHECK_TIMEOUT_MS} ms`;
        resolve(false);
      }, DATABASE_CHECK_TIMEOUT_MS);
    });
    const query = this.ds.query('SELECT 1 AS "ok"').then(
      () => true,
      (err: unknown) => {
        this.lastDatabaseError = err instanceof Error ? err.message : String(err);
        return false;
      },
    );
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async migrationsCheck(): Promise<'ok' | 'failed'> {
    try {
      // showMigrations() is true when some migration is pending.
      const pending = await this.ds.showMigrations();
      if (!pending) this.migrationsApplied = true;
      return pending ? 'failed' : 'ok';
    } catch {
      return 'failed';
    }
  }
}
