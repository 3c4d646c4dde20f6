import type { ServerEventMap, ServerEventName } from '@switchboard/protocol';

/** One engine event as it crosses to other replicas. */
export interface ClusterServerEvent<E extends ServerEventName = ServerEventName> {
  event: E;
  payload: ServerEventMap[E];
}

/**
 * Messages between API replicas sharing one PostgreSQL database (never sent to clients). With
 * SQLite there is one process and the bus delivers nothing. A message never comes back to the
 * replica that published it.
 */
export interface ClusterMessageMap {
  /** Engine events of turns and settings changed on another replica, in the order it emitted them. */
  'server.events': ClusterServerEvent[];
  /**
   * Something another replica changed that this one keeps in memory: drop or reload it.
   * `people`: a person, their role, identities or limits; `settings`: installation settings
   * (memory settings, ...); `jobs`: scheduled jobs (created, edited, deleted, toggled).
   */
  'cache.invalidate': { scope: 'people' | 'settings' | 'jobs'; id?: string };
  /** Stop the turn of this session if it runs on the receiving replica (a door on another replica asked). */
  'turn.stop': { sessionId: string };
  /**
   * What a replica's watchers want (every session, or these), sent when it changes and as a
   * heartbeat: the others relay and build only those events. A replica not heard from for a
   * while is taken to be gone.
   */
  'cluster.interest': { all: boolean; sessions: string[] };
}

export type ClusterTopic = keyof ClusterMessageMap;

export type ClusterHandler<T extends ClusterTopic> = (payload: ClusterMessageMap[T], from: string) => void;

/** The replicas' message bus: PostgreSQL's LISTEN/NOTIFY when shared, nothing to deliver when alone. */
export interface ClusterBus {
  /** This replica's id (SWITCHBOARD_REPLICA_ID or a generated one). */
  readonly replicaId: string;
  /** True when other replicas may share the database (PostgreSQL): caches must listen, events must cross. */
  readonly shared: boolean;
  /** Sends to every other replica; fire and forget, in order per replica. */
  publish<T extends ClusterTopic>(topic: T, payload: ClusterMessageMap[T]): void;
  /** Handles what other replicas publish on a topic; returns the unsubscribe. */
  subscribe<T extends ClusterTopic>(topic: T, handler: ClusterHandler<T>): () => void;
}

/** The bus of a single process (SQLite): there is nobody to tell. */
export class LocalClusterBus implements ClusterBus {
  readonly shared = false;

  constructor(readonly replicaId: string) {}

  publish(): void {
    // One process: every cache and watcher is already this one's.
  }

  subscribe(): () => void {
    return () => undefined;
  }
}
