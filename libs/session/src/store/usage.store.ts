import type { EntityManager } from 'typeorm';
import { ErrorCode, SwitchboardError, type SessionUsage, type UsageTotals } from '@switchboard/protocol';
import { runWrite } from '../db/transaction-runner';
import { selectRows } from './sql';
import { isForeignKeyViolation, newId, nowIso } from './store-utils';

/** The role of a turn's own model call; anything else is a delegation role ('compaction', ...). */
export const PRIMARY_USAGE_ROLE = 'primary';

export interface RecordUsageInput {
  sessionId: string;
  turnId?: string | null;
  messageId?: string | null;
  role: string;
  modelConfigId: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: number;
}

/** One stored model call. */
export interface UsageEntry extends Required<RecordUsageInput> {
  id: string;
  createdAt: string;
}

interface UsageGroupRow {
  role: string;
  model_config_id: string;
  input_tokens: number | string | null;
  output_tokens: number | string | null;
  cached_tokens: number | string | null;
  cost_usd: number | string | null;
  calls: number | string;
}

function emptyTotals(): UsageTotals {
  return { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, calls: 0 };
}

function add(into: UsageTotals, from: UsageTotals): void {
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
  into.cachedTokens += from.cachedTokens;
  into.costUsd += from.costUsd;
  into.calls += from.calls;
}

/** Tokens and cost per model call, rolled up per session. */
export class UsageStore {
  constructor(private readonly manager: EntityManager) {}

  /** Stores one model call's usage; SESSION_NOT_FOUND if the session is missing. */
  async record(input: RecordUsageInput): Promise<UsageEntry> {
    const entry: UsageEntry = {
      id: newId(),
      sessionId: input.sessionId,
      turnId: input.turnId ?? null,
      messageId: input.messageId ?? null,
      role: input.role,
      modelConfigId: input.modelConfigId,
      inputTokens: input.inputTokens,
      outputTokens: input.outputTokens,
      cachedTokens: input.cachedTokens,
      costUsd: input.costUsd,
      createdAt: nowIso(),
    };
    try {
      await runWrite(this.manager, (m) =>
        selectRows(
          m,
          `INSERT INTO "usage_records" ("id", "session_id", "turn_id", "message_id", "role", "model_config_id", "input_tokens",
             "output_tokens", "cached_tokens", "cost_usd", "created_at")
           VALUES (:id, :sessionId, :turnId, :messageId, :role, :modelConfigId, :inputTokens, :outputTokens, :cachedTokens, :costUsd, :createdAt)`,
          { ...entry },
        ),
      );
    } catch (err) {
      if (isForeignKeyViolation(err)) {
        throw new SwitchboardError(ErrorCode.SESSION_NOT_FOUND, `Session ${input.sessionId} does not exist`, { sessionId: input.sessionId });
      }
      throw err;
    }
    return entry;
  }

  /** The session's usage: primary, per delegation role, total and per model, each with a call count. */
  async summary(sessionId: string): Promise<SessionUsage> {
    const rows = await selectRows<UsageGroupRow>(
      this.manager,
      `SELECT "role", "model_config_id", SUM("input_tokens") AS "input_tokens", SUM("output_tokens") AS "output_tokens",
              SUM("cached_tokens") AS "cached_tokens", SUM("cost_usd") AS "cost_usd", COUNT(*) AS "calls"
       FROM "usage_records" WHERE "session_id" = :sessionId
       GROUP BY "role", "model_config_id" ORDER BY "role", "model_config_id"`,
      { sessionId },
    );
    const usage: SessionUsage = { sessionId, primary: emptyTotals(), delegation: {}, total: emptyTotals(), byModel: {} };
    for (const row of rows) {
      // PostgreSQL returns SUM/COUNT of integers as strings (bigint/numeric).
      const totals: UsageTotals = {
        inputTokens: Number(row.input_tokens ?? 0),
        outputTokens: Number(row.output_tokens ?? 0),
        cachedTokens: Number(row.cached_tokens ?? 0),
        costUsd: Number(row.cost_usd ?? 0),
        calls: Number(row.calls),
      };
      add(row.role === PRIMARY_USAGE_ROLE ? usage.primary : (usage.delegation[row.role] ??= emptyTotals()), totals);
      add((usage.byModel[row.model_config_id] ??= emptyTotals()), totals);
      add(usage.total, totals);
    }
    return usage;
  }
}
