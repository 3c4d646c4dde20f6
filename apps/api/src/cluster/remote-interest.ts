import type { ServerEventName } from '@switchboard/protocol';

/**
 * Events every other replica gets whatever its watchers want: what its engine needs to answer
 * a message queued there and run here (`wait: true`, a stream), and settings it keeps in memory.
 */
const ALWAYS: ReadonlySet<ServerEventName> = new Set(['turn.started', 'message.completed', 'queue.updated', 'settings.updated']);

interface Replica {
  all: boolean;
  sessions: ReadonlySet<string>;
  until: number;
}

/** What the other replicas' watchers want, from their `cluster.interest` heartbeats; a silent replica expires. */
export class RemoteInterest {
  private readonly replicas = new Map<string, Replica>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a replica's interest; true when that replica was not known (or had expired). */
  set(replicaId: string, interest: { all: boolean; sessions: string[] }): boolean {
    const known = this.replicas.get(replicaId);
    const now = this.now();
    this.replicas.set(replicaId, { all: interest.all, sessions: new Set(interest.sessions), until: now + this.ttlMs });
    return !known || known.until < now;
  }

  /** True when another live replica wants this event of this session (null: a global event). */
  wants(sessionId: string | null, event?: ServerEventName): boolean {
    const now = this.now();
    let alive = false;
    for (const [id, r] of this.replicas) {
      if (r.until < now) {
        this.replicas.delete(id);
        continue;
      }
      alive = true;
      if (r.all || (sessionId !== null && r.sessions.has(sessionId))) return true;
    }
    return alive && event !== undefined && ALWAYS.has(event);
  }
}
