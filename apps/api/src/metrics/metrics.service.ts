import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Message, ServerEventMap, ServerEventName } from '@switchboard/protocol';
import type { UsageSample } from '@switchboard/session/server';
import { InternalEvents } from '../core/internal-events';
import { EventHub } from '../engine/event-hub';


// Turns range from a cached fast reply to long tool loops.
const TURN_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

// A turn that never completes (crash, lost event) must not grow the map without bound.
const MAX_TRACKED_TURNS = 10_000;

/**
 * Prometheus metrics, fed purely from engine events through the EventHub, in a registry of its
 * own (several APIs can run in one process, as the tests do). Served at `GET /metrics`.
 */
@Injectable()
export class MetricsService implements OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly turnStarts = new Map<string, { at: number; model: string }>();
  private readonly queueDepths = new Map<string, number>();
  private readonly unwatch: () => void;

  private readonly turnsInFlight = new Gauge({
    name: 'switchboard_turns_in_flight',
    help: 'Turns currently streaming.',
    registers: [this.registry],
  });
  private readonly turns = new Counter({
    name: 'switchboard_turns_total',
    help: 'Finished turns by the model that answered and the final status (complete, interrupted, error).',
    labelNames: ['model', 'status'] as const,
    registers: [this.registry],
  });
  private readonly turnDuration = new Histogram({
    name: 'switchboard_turn_duration_seconds',
    help: 'Time from a turn starting to its reply being stored, by the model that answered.',
    labelNames: ['model'] as const,
    buckets: TURN_BUCKETS,
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: 'switchboard_tokens_total',
    help: 'Tokens by model, role (primary or a delegation role) and kind (input, output, cached).',
    labelNames: ['model', 'role', 'kind'] as const,
    registers: [this.registry],
  });
  private readonly cost = new Counter({
    name: 'switchboard_cost_usd_total',
    help: 'Estimated cost in US dollars by model and role.',
    labelNames: ['model', 'role'] as const,
    registers: [this.registry],
  });
  private readonly queueDepth = new Gauge({
    name: 'switchboard_queue_depth',
    help: 'Messages waiting in session queues, all sessions together.',
    registers: [this.registry],
  });
  private readonly providerErrors = new Counter({
    name: 'switchboard_provider_errors_total',
    help: 'Turns whose model call failed, by model.',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  private readonly fallbacks = new Counter({
    name: 'switchboard_fallbacks_total',
    help: 'Replies answered by a fallback model, by the model that failed and the one that answered.',
    labelNames: ['from', 'to'] as const,
    registers: [this.registry],
  });

  constructor(hub: EventHub, internal: InternalEvents) {
    internal.on('usage.recorded', (sample) => this.recordUsage(sample));
    collectDefaultMetrics({ register: this.registry });
    // Subscribed at construction, before the engine starts (recovery can resume queued turns).
    // Only the events metrics read: the engine then skips building session views for them. Only
    // this replica's own: each replica is scraped for what it ran, and the others need not
    // send it every event of every session for nothing.
    this.unwatch = hub.watch(null, (event, payload) => this.onEvent(event, payload), ['turn.started', 'message.completed', 'message.created', 'queue.updated'], { localOnly: true });
  }

  onApplicationShutdown(): void {
    this.unwatch();
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Records a model call that is not a turn's own (delegated work); turns are recorded from events. */
  recordUsage(sample: UsageSample): void {
    const model = sample.modelConfigId;
    const role = sample.role;
    this.tokens.inc({ model, role, kind: 'input' }, nonNegative(sample.inputTokens));
    this.tokens.inc({ model, role, kind: 'output' }, nonNegative(sample.outputTokens));
    this.tokens.inc({ model, role, kind: 'cached' }, nonNegative(sample.cachedTokens));
    this.cost.inc({ model, role }, nonNegative(sample.costUsd));
  }

  private onEvent<E extends ServerEventName>(event: E, payload: ServerEventMap[E]): void {
    switch (event) {
      case 'turn.started': {
        const p = payload as ServerEventMap['turn.started'];
        if (this.turnStarts.size >= MAX_TRACKED_TURNS) return;
        this.turnStarts.set(p.turnId, { at: performance.now(), model: p.modelConfigId });
        this.turnsInFlight.set(this.turnStarts.size);
        return;
      }
      case 'message.completed': {
        const p = payload as ServerEventMap['message.completed'];
        this.onTurnCompleted(p.turnId, p.message);
        return;
      }
      case 'queue.updated': {
        const p = payload as ServerEventMap['queue.updated'];
        if (p.queue.length) this.queueDepths.set(p.sessionId, p.queue.length);
        else this.queueDepths.delete(p.sessionId);
        let total = 0;
        for (const n of this.queueDepths.values()) total += n;
        this.queueDepth.set(total);
        return;
      }
      case 'message.created': {
        const { message } = payload as ServerEventMap['message.created'];
        if (message.kind === 'turn_error') {
          this.providerErrors.inc({ model: modelIdOf(message.event?.modelConfigId) ?? message.modelConfigId ?? 'unknown' });
        } else if (message.kind === 'model_fallback') {
          this.fallbacks.inc({ from: modelIdOf(message.event?.from) ?? 'unknown', to: modelIdOf(message.event?.to) ?? 'unknown' });
        }
        return;
      }
      default:
        return;
    }
  }

  private onTurnCompleted(turnId: string, message: Message): void {
    // Only a turn's assistant reply (not a command's reply).
    if (message.role !== 'assistant' || message.kind !== 'text') return;
    const start = this.turnStarts.get(turnId);
    this.turnStarts.delete(turnId);
    this.turnsInFlight.set(this.turnStarts.size);
    const model = message.modelConfigId ?? start?.model ?? 'unknown';
    this.turns.inc({ model, status: message.status });
    if (start) this.turnDuration.observe({ model }, (performance.now() - start.at) / 1000);
    if (message.usage) this.recordUsage({ role: 'primary', modelConfigId: model, ...message.usage });
  }
}

function nonNegative(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** A model id from an event field: an id string, or an engine ref `{ modelConfigId }`. */
function modelIdOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value) return value;
  if (value && typeof value === 'object' && typeof (value as { modelConfigId?: unknown }).modelConfigId === 'string') {
    return (value as { modelConfigId: string }).modelConfigId;
  }
  return undefined;
}
