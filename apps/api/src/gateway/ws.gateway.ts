import { Inject } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type WebSocket from 'ws';
import {
  ErrorCode,
  LIMITS,
  SwitchboardError,
  httpStatusFor,
  requestFrameSchema,
  wsMethodSchemas,
  type ServerEventMap,
  type ServerEventName,
  type WsMethod,
} from '@switchboard/protocol';
import { SessionEngine } from '@switchboard/session/server';
import { API_ENV, API_TOKEN, LOGGER } from '../core/tokens';
import { AuthFailureLimiter } from '../core/auth-failure-limiter';
import type { ApiEnv, ApiLimits } from '../config/api-env';
import { tokenMatches } from '../core/auth-token';
import { toSwitchboardError } from '../core/api-exception.filter';
import { validationError } from '../core/zod.pipe';
import { EventHub } from '../engine/event-hub';

/** A client that stops reading is cut off rather than buffered without end. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

type Handler = (params: never, conn: WsConnection) => Promise<unknown> | unknown;

/** One client connection: authentication, subscriptions and an event sequence of its own. */
class WsConnection {
  authed = false;
  /** Closes a socket that has not authenticated in time; cleared by whichever frame authenticates. */
  authTimer: NodeJS.Timeout | null = null;
  private seq = 0;
  private readonly subscriptions = new Map<string, () => void>();
  private nextSub = 1;

  constructor(
    readonly socket: WebSocket,
    private readonly hub: EventHub,
  ) {}

  send(frame: unknown): void {
    if (this.socket.readyState !== 1) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.close(1013, 'client too slow');
      return;
    }
    this.socket.send(JSON.stringify(frame));
  }

  sendEvent<E extends ServerEventName>(event: E, payload: ServerEventMap[E]): void {
    this.send({ event, payload, seq: ++this.seq });
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  subscribe(sessionId: string | null): string {
    const id = `sub_${this.nextSub++}`;
    const unwatch = this.hub.watch(sessionId, (event, payload) => this.sendEvent(event, payload));
    this.subscriptions.set(id, unwatch);
    return id;
  }

  unsubscribe(id: string): boolean {
    const unwatch = this.subscriptions.get(id);
    if (!unwatch) return false;
    unwatch();
    this.subscriptions.delete(id);
    return true;
  }

  dispose(): void {
    for (const unwatch of this.subscriptions.values()) unwatch();
    this.subscriptions.clear();
  }
}

/**
 * WebSocket door at /ws: `{id, method, params}` → `{id, ok, result | error}`, plus pushed
 * `{event, payload, seq}` for subscriptions. Methods mirror the REST routes.
 */
@WebSocketGateway({ path: '/ws', maxPayload: LIMITS.maxBodyBytes })
export class WsGateway implements OnGatewayConnection {
  private readonly handlers: Record<WsMethod, Handler>;
  private readonly limits: ApiLimits;
  private readonly connections = new Set<WsConnection>();

  constructor(
    private readonly engine: SessionEngine,
    private readonly hub: EventHub,
    @Inject(API_TOKEN) private readonly token: string,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(API_ENV) env: ApiEnv,
    private readonly failures: AuthFailureLimiter,
  ) {
    this.limits = env.limits;
    const e = this.engine;
    const h: { [M in WsMethod]: (params: import('zod').infer<(typeof wsMethodSchemas)[M]['params']>, conn: WsConnection) => unknown } = {
      auth: () => ({ ok: true }),
      'session.create': (p) => e.createSession(p),
      'session.list': async (p) => ({ sessions: await e.listSessions(p) }),
      'session.get': (p) => e.getSession(p.sessionId),
      'session.delete': (p) => e.deleteSession(p.sessionId),
      'session.messages': async ({ sessionId, ...q }) => ({ sessionId, messages: await e.listMessages(sessionId, q) }),
      'session.send': ({ sessionId, ...body }) => e.send(sessionId, body),
      'message.retry': ({ sessionId, messageId, ...body }) => e.retryMessage(sessionId, messageId, body),
      'message.edit': ({ sessionId, messageId, ...body }) => e.editMessage(sessionId, messageId, body),
      'session.setModel': (p) => e.setSessionModel(p.sessionId, p.model),
      'session.clearModel': (p) => e.clearSessionModel(p.sessionId),
      'session.reset': (p) => e.reset(p.sessionId),
      'session.usage': (p) => e.usage(p.sessionId),
      'session.abort': async (p) => ({ aborted: await e.abort(p.sessionId) }),
      'session.compact': async (p) => {
        const message = await e.compact(p.sessionId);
        return { compacted: Boolean(message), message };
      },
      'queue.list': (p) => e.listQueue(p.sessionId),
      'queue.promote': (p) => e.promote(p.sessionId, p.queuedId, p.interrupt ?? false),
      'queue.delete': (p) => e.deleteQueued(p.sessionId, p.queuedId),
      'usage.report': (p) => e.usageReport(p),
      'models.list': () => e.models(),
      'settings.setDefaultModel': (p) => e.setDefaultModel(p.model),
      'watch.subscribe': async (p, conn) => {
        const max = this.limits.wsMaxSubscriptions;
        if (max > 0 && conn.subscriptionCount >= max) {
          throw new SwitchboardError(ErrorCode.RATE_LIMITED, `At most ${max} subscriptions per connection: unsubscribe one, or subscribe to every session at once (no sessionId).`);
        }
        if (p.sessionId) await e.getSession(p.sessionId);
        return { subscriptionId: conn.subscribe(p.sessionId ?? null) };
      },
      'watch.unsubscribe': (p, conn) => {
        if (!conn.unsubscribe(p.subscriptionId)) {
          throw new SwitchboardError(ErrorCode.NOT_FOUND, `No subscription ${p.subscriptionId}.`);
        }
        return { ok: true };
      },
    };
    this.handlers = h as unknown as Record<WsMethod, Handler>;
  }

  handleConnection(socket: WebSocket, req: IncomingMessage): void {
    const conn = new WsConnection(socket, this.hub);
    const address = req.socket.remoteAddress ?? 'unknown';
    const refuse = (code: ErrorCode, message: string, closeCode: number, reason: string) => {
      conn.send({ id: null, ok: false, error: { code, message } });
      socket.close(closeCode, reason);
    };
    const { wsMaxConnections, wsMaxUnauthenticated } = this.limits;
    if (wsMaxConnections > 0 && this.connections.size >= wsMaxConnections) {
      return refuse(ErrorCode.RATE_LIMITED, 'Too many open connections; try again later.', 1013, 'too many connections');
    }
    if (this.failures.blockedFor(address) > 0) {
      return refuse(ErrorCode.RATE_LIMITED, 'Too many failed authentications from this address.', 1008, 'rate limited');
    }
    const url = new URL(req.url ?? '/ws', 'http://localhost');
    const presented = url.searchParams.get('token');
    if (presented !== null) {
      if (!tokenMatches(presented, this.token)) {
        this.failures.record(address);
        return refuse(ErrorCode.UNAUTHORIZED, 'The API token is not valid.', 4401, 'unauthorized');
      }
      conn.authed = true;
    } else {
      const pending = [...this.connections].filter((c) => !c.authed).length;
      if (wsMaxUnauthenticated > 0 && pending >= wsMaxUnauthenticated) {
        return refuse(ErrorCode.RATE_LIMITED, 'Too many connections waiting to authenticate; try again later.', 1013, 'too many unauthenticated');
      }
      conn.authTimer = setTimeout(() => {
        refuse(ErrorCode.UNAUTHORIZED, 'Authenticate with ?token= or an auth frame.', 4401, 'unauthorized');
      }, this.limits.wsAuthTimeoutMs);
    }
    this.connections.add(conn);
    socket.on('message', (data: WebSocket.RawData) => void this.onMessage(conn, address, data.toString()));
    socket.on('close', () => {
      if (conn.authTimer) clearTimeout(conn.authTimer);
      this.connections.delete(conn);
      conn.dispose();
    });
    socket.on('error', (err) => this.logger.debug({ err: err.message }, 'websocket error'));
  }

  private async onMessage(conn: WsConnection, address: string, data: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      conn.send({ id: null, ok: false, error: { code: ErrorCode.INVALID_JSON, message: 'The frame is not valid JSON.' } });
      return;
    }
    const frame = requestFrameSchema.safeParse(raw);
    if (!frame.success) {
      const id = (raw as { id?: unknown })?.id;
      const err = validationError(frame.error, 'frame');
      conn.send({ id: typeof id === 'string' || typeof id === 'number' ? id : null, ok: false, error: err.toBody().error });
      return;
    }
    const { id, method, params } = frame.data;
    try {
      if (!conn.authed) {
        if (method !== 'auth') throw new SwitchboardError(ErrorCode.UNAUTHORIZED, 'Authenticate first: send {"method":"auth","params":{"token":"..."}}.');
        const token = (params as { token?: unknown } | undefined)?.token;
        if (typeof token !== 'string' || !tokenMatches(token, this.token)) {
          this.failures.record(address);
          conn.send({ id, ok: false, error: { code: ErrorCode.UNAUTHORIZED, message: 'The API token is not valid.' } });
          conn.socket.close(4401, 'unauthorized');
          return;
        }
        conn.authed = true;
        if (conn.authTimer) clearTimeout(conn.authTimer);
        conn.authTimer = null;
        conn.send({ id, ok: true, result: { ok: true } });
        return;
      }
      if (!Object.prototype.hasOwnProperty.call(wsMethodSchemas, method)) {
        throw new SwitchboardError(ErrorCode.METHOD_NOT_FOUND, `Unknown method "${method}".`, { available: Object.keys(wsMethodSchemas) });
      }
      const m = method as WsMethod;
      const parsed = wsMethodSchemas[m].params.safeParse(params ?? {});
      if (!parsed.success) throw validationError(parsed.error, 'params');
      const result = await this.handlers[m](parsed.data as never, conn);
      conn.send({ id, ok: true, result });
    } catch (err) {
      const e = toSwitchboardError(err);
      if (httpStatusFor(e.code) >= 500) this.logger.error({ err: err instanceof Error ? err.stack : String(err), method }, 'websocket call failed');
      conn.send({ id, ok: false, error: e.toBody().error });
    }
  }
}
