import type { EntityManager } from 'typeorm';
import { ErrorCode, SwitchboardError, type Channel, type SessionUsage, type UsageReport, type UsageTotals } from '@switchboard/protocol';
import { runWrite, requireCount, selectRows, isForeignKeyViolation, newId, nowIso } from '@switchboard/persistence';

/** The role of a turn's own model call; anything else is a delegation role ('compaction', ...). */
export const PRIMARY_USAGE_ROLE = 'primary';

/** Tokens and cost of one model call. */
export interface UsageSample {
  /** `primary` for the turn itself, else the delegation role (`compaction`, `memory_extraction`, ...). */
  role: string;
  modelConfigId: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: number;
}

export interface RecordUsageInput extends UsageSample {
  /** Null for a stateless call, which then names its `channel`. */
  sessionId: string | null;
  turnId?: string | null;
  messageId?: string | null;
  /** A stateless call's channel (a session's rows take the session's). */
  channel?: Channel | null;
  /** Who the call was made for (the OpenAI door's `user`, as given). */
  person?: string | null;
  /** The person who caused the call (the speaker of its turn), whose limits it counts toward. */
  personId?: string | null;
}

/** One stored model call. */
export interface UsageEntry extends Required<RecordUsageInput> {
  id: string;
  createdAt: string;
}

/** A usage report's range, normalised: UTC ISO instants, `to` exclusive. */
export interface UsageRange {
  from: string | null;
  to: string | null;
  channel: Channel | null;
  /** Only calls this person caused. */
  personId?: string | null;
  /** How many conversations to list. */
  limit: number;
}

/** What one person did lately: model calls since `since`, messages since `windowStart`. */
export interface PersonActivityCounts {
  tokens: number;
  costUsd: number;
  messages: number;
  oldestMessageAt: string | null;
}

/** Calls without a known person, in `byPerson`. */
export const UNATTRIBUTED_PERSON = 'unknown';

interface SumRow {
  input_tokens: number | string | null;
  output_tokens: number | string | null;
  cached_tokens: number | string | null;
  cost_usd: number | string | null;
  calls: number | string;
}

const SUMS = `SUM(u."input_tokens") AS "input_tokens", SUM(u."output_tokens") AS "output_tokens",
  SUM(u."cached_tokens") AS "cached_tokens", SUM(u."cost_usd") AS "cost_usd", COUNT(*) AS "calls"`;

// PostgreSQL returns SUM/COUNT of integers as strings (bigint/numeric).
function totalsOf(row: SumRow): UsageTotals {
  return {
    inputTokens: Number(row.input_tokens ?? 0),
    outputTokens: Number(row.output_tokens ?? 0),
    cachedTokens: Number(row.cached_tokens ?? 0),
    costUsd: Number(row.cost_usd ?? 0),
    calls: Number(row.calls),
  };
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
      channel: input.channel ?? null,
      person: input.person ?? null,
      personId: input.personId ?? null,
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
          `INSERT INTO "usage_records" ("id", "session_id", "turn_id", "message_id", "channel", "person", "person_id", "role", "model_config_id",
             "input_tokens", "output_tokens", "cached_tokens", "cost_usd", "created_at")
           VALUES (:id, :sessionId, :turnId, :messageId, :channel, :person, :personId, :role, :modelConfigId, :inputTokens, :outputTokens,
             :cachedTokens, :costUsd, :createdAt)`,
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
      const totals = totalsOf(row);
      add(row.role === PRIMARY_USAGE_ROLE ? usage.primary : (usage.delegation[row.role] ??= emptyTotals()), totals);
      add((usage.byModel[row.model_config_id] ??= emptyTotals()), totals);
      add(usage.total, totals);
    }
    return usage;
  }

  /**
   * What a person caused since the day started (model calls) and sent since `windowStart`:
   * their messages, queued ones and stateless calls (which store no message, only their usage).
   */
  async personActivity(personId: string, since: string, windowStart: string): Promise<PersonActivityCounts> {
    const [calls] = await selectRows<{ tokens: number | string | null; cost: number | string | null }>(
      this.manager,
      `SELECT SUM("input_tokens" + "output_tokens") AS "tokens", SUM("cost_usd") AS "cost" FROM "usage_records" WHERE "person_id" = :personId AND "created_at" >= :since`,
      { personId, since },
    );
    const sent = await selectRows<{ n: number | string; oldest: string | null }>(
      this.manager,
      `SELECT COUNT(*) AS "n", MIN("created_at") AS "oldest" FROM "messages" WHERE "person_id" = :personId AND "role" = 'user' AND "created_at" >= :windowStart
       UNION ALL
       SELECT COUNT(*) AS "n", MIN("created_at") AS "oldest" FROM "queued_messages" WHERE "person_id" = :personId AND "created_at" >= :windowStart
       UNION ALL
       SELECT COUNT(*) AS "n", MIN("created_at") AS "oldest" FROM "usage_records"
        WHERE "person_id" = :personId AND "session_id" IS NULL AND "role" = :primary AND "created_at" >= :windowStart`,
      { personId, windowStart, primary: PRIMARY_USAGE_ROLE },
    );
    const oldest = sent.map((r) => r.oldest).filter((o): o is string => o !== null).sort()[0] ?? null;
    return {
      tokens: Number(calls?.tokens ?? 0),
      costUsd: Number(calls?.cost ?? 0),
      messages: sent.reduce((n, r) => n + Number(r.n), 0),
      oldestMessageAt: oldest,
    };
  }

  /** Moves what one person caused to another (their accounts were merged). */
  async reassignPerson(fromPersonId: string, toPersonId: string): Promise<void> {
    await runWrite(this.manager, async (m) => {
      for (const table of ['usage_records', 'messages', 'queued_messages', 'sessions']) {
        await selectRows(m, `UPDATE "${table}" SET "person_id" = :to WHERE "person_id" = :from`, { from: fromPersonId, to: toPersonId });
      }
    });
  }

  /**
   * Usage across conversations in a range: totals, per role, per model, per UTC day, and the
   * most used conversations (by tokens). Four grouped queries; nothing is summed in memory
   * beyond the groups.
   */
  async report(range: UsageRange): Promise<UsageReport> {
    const conditions: string[] = [];
    const params: Record<string, unknown> = { primary: PRIMARY_USAGE_ROLE };
    if (range.from) {
      conditions.push(`u."created_at" >= :from`);
      params.from = range.from;
    }
    if (range.to) {
      conditions.push(`u."created_at" < :to`);
      params.to = range.to;
    }
    if (range.channel) {
      // A stateless call has no session: its row names its own channel.
      conditions.push(`COALESCE(u."channel", s."channel") = :channel`);
      params.channel = range.channel;
    }
    if (range.personId) {
      conditions.push(`u."person_id" = :personId`);
      params.personId = range.personId;
    }
    const from = `FROM "usage_records" u LEFT JOIN "sessions" s ON s."id" = u."session_id"${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
    // The conversation lists only count calls that belong to a conversation.
    const inSessions = `${from}${conditions.length ? ' AND' : ' WHERE'} u."session_id" IS NOT NULL`;

    const groups = await selectRows<UsageGroupRow>(this.manager, `SELECT u."role", u."model_config_id", ${SUMS} ${from} GROUP BY u."role", u."model_config_id"`, params);
    const report: UsageReport = {
      from: range.from,
      to: range.to,
      channel: range.channel,
      personId: range.personId ?? null,
      total: emptyTotals(),
      primary: emptyTotals(),
      delegation: {},
      byModel: {},
      byPerson: {},
      byDay: [],
      sessionCount: 0,
      sessions: [],
    };
    for (const row of groups) {
      const totals = totalsOf(row);
      add(row.role === PRIMARY_USAGE_ROLE ? report.primary : (report.delegation[row.role] ??= emptyTotals()), totals);
      add((report.byModel[row.model_config_id] ??= emptyTotals()), totals);
      add(report.total, totals);
    }
    if (report.total.calls === 0) return report;

    const days = await selectRows<SumRow & { day: string }>(
      this.manager,
      `SELECT SUBSTR(u."created_at", 1, 10) AS "day", ${SUMS} ${from} GROUP BY SUBSTR(u."created_at", 1, 10) ORDER BY "day"`,
      params,
    );
    report.byDay = days.map((d) => ({ day: d.day, total: totalsOf(d) }));

    const people = await selectRows<SumRow & { person_id: string | null }>(this.manager, `SELECT u."person_id", ${SUMS} ${from} GROUP BY u."person_id"`, params);
    for (const row of people) report.byPerson![row.person_id ?? UNATTRIBUTED_PERSON] = totalsOf(row);

    const [{ n }] = await selectRows<{ n: number | string }>(this.manager, `SELECT COUNT(DISTINCT u."session_id") AS "n" ${inSessions}`, params);
    report.sessionCount = Number(n);

    const top = await selectRows<SumRow & { session_id: string; title: string | null; channel: Channel; peer_id: string }>(
      this.manager,
      `SELECT u."session_id", s."title", s."channel", s."peer_id", ${SUMS}
       ${inSessions}
       GROUP BY u."session_id", s."title", s."channel", s."peer_id"
       ORDER BY SUM(u."input_tokens" + u."output_tokens") DESC, u."session_id"
       LIMIT ${requireCount('limit', range.limit)}`,
      params,
    );
    if (top.length === 0) return report;
    // The primary/delegation split of the listed conversations.
    const split = await selectRows<SumRow & { session_id: string; is_primary: number | string | boolean }>(
      this.manager,
      `SELECT u."session_id", CASE WHEN u."role" = :primary THEN 1 ELSE 0 END AS "is_primary", ${SUMS}
       ${from}${conditions.length ? ' AND' : ' WHERE'} u."session_id" IN (:...ids)
       GROUP BY u."session_id", "is_primary"`,
      { ...params, ids: top.map((t) => t.session_id) },
    );
    const parts = new Map<string, { primary: UsageTotals; delegation: UsageTotals }>();
    for (const row of split) {
      const entry = parts.get(row.session_id) ?? { primary: emptyTotals(), delegation: emptyTotals() };
      add(Number(row.is_primary) === 1 ? entry.primary : entry.delegation, totalsOf(row));
      parts.set(row.session_id, entry);
    }
    report.sessions = top.map((t) => ({
      sessionId: t.session_id,
      title: t.title,
      channel: t.channel,
      peerId: t.peer_id,
      primary: parts.get(t.session_id)?.primary ?? emptyTotals(),
      delegation: parts.get(t.session_id)?.delegation ?? emptyTotals(),
      total: totalsOf(t),
    }));
    return report;
  }
}
