import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { ModelRunner } from '@switchboard/models/server';
import { PreferenceStore } from '@switchboard/session/server';
import { DATA_SOURCE, LOGGER } from '../core/tokens';

/** The preference that holds the token calibration of models without a tokenizer. */
export const TOKEN_CALIBRATION_PREFERENCE = 'token_calibration';

/** How often a changed calibration is written (and once more at shutdown). */
const SAVE_EVERY_MS = 60_000;

/**
 * Keeps the token calibration (what providers without a tokenizer report against our estimate)
 * in the `preferences` table, so a restart or another replica budgets prompts calibrated from its
 * first turn. Read at start; written when it changed, every minute and at shutdown, merged with
 * what other replicas saved (this process's own ratios win for the models it calibrated).
 */
@Injectable()
export class TokenCalibrationSync implements OnModuleInit, BeforeApplicationShutdown {
  private readonly prefs: PreferenceStore;
  private timer: NodeJS.Timeout | null = null;
  private saved = 0;

  constructor(
    private readonly runner: ModelRunner,
    @Inject(DATA_SOURCE) ds: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.prefs = new PreferenceStore(ds.manager);
  }

  async onModuleInit(): Promise<void> {
    const restored = this.runner.tokens.restore(await this.read());
    if (restored > 0) this.logger.info({ models: restored }, 'token calibration restored');
    this.saved = this.runner.tokens.changes;
    this.timer = setInterval(() => void this.save().catch((err: Error) => this.logger.warn({ err: err.message }, 'could not save the token calibration')), SAVE_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.save().catch((err: Error) => this.logger.warn({ err: err.message }, 'could not save the token calibration'));
  }

  /** Writes the calibration if it changed since the last write. */
  async save(): Promise<void> {
    const changes = this.runner.tokens.changes;
    if (changes === this.saved) return;
    const stored = await this.read();
    const merged = { ...(typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? stored : {}), ...this.runner.tokens.snapshot() };
    await this.prefs.set(TOKEN_CALIBRATION_PREFERENCE, JSON.stringify(merged));
    this.saved = changes;
  }

  private async read(): Promise<unknown> {
    const raw = await this.prefs.get(TOKEN_CALIBRATION_PREFERENCE);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return null;
    }
  }
}
