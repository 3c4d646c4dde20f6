import type { Message } from '@switchboard/protocol';
import { InternalEvents } from '../core/internal-events';
import { EventHub } from '../engine/event-hub';
import { MetricsService } from './metrics.service';

const message = (over: Partial<Message>): Message => ({
  id: 'm1',
  sessionId: 's1',
  seq: 2,
  turnId: 't1',
  role: 'assistant',
  kind: 'text',
  content: 'hi',
  parts: [],
  status: 'complete',
  modelConfigId: 'main',
  modelSource: 'global',
  modelLabel: 'Main',
  warnings: [],
  usage: { inputTokens: 10, outputTokens: 5, cachedTokens: 2, costUsd: 0.001 },
  event: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

/** The value of one series in the exposition text (undefined when absent). */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('MetricsService', () => {
  let hub: EventHub;
  let metrics: MetricsService;
  let internal: InternalEvents;
  const text = async () => (await metrics.render()).body;

  beforeEach(() => {
    hub = new EventHub();
    internal = new InternalEvents();
    metrics = new MetricsService(hub, internal);
  });
  afterEach(() => metrics.onApplicationShutdown());

  it('counts turns, their duration, tokens and cost from engine events', async () => {
    hub.emit('turn.started', { sessionId: 's1', turnId: 't1', messageId: 'm1', modelConfigId: 'main', modelSource: 'global', modelLabel: 'Main', warnings: [] });
    expect(value(await text(), 'switchboard_turns_in_flight')).toBe(1);
    hub.emit('message.completed', { sessionId: 's1', turnId: 't1', message: message({}) });
    hub.emit('message.completed', { sessionId: 's1', turnId: 't2', message: message({ turnId: 't2', status: 'error', usage: null }) });
    const out = await text();
    expect(value(out, 'switchboard_turns_in_flight')).toBe(0);
    expect(value(out, 'switchboard_turns_total{model="main",status="complete"}')).toBe(1);
    expect(value(out, 'switchboard_turns_total{model="main",status="error"}')).toBe(1);
    // Only the turn whose start was seen has a duration.
    expect(value(out, 'switchboard_turn_duration_seconds_count{model="main"}')).toBe(1);
    expect(value(out, 'switchboard_tokens_total{model="main",role="primary",kind="input"}')).toBe(10);
    expect(value(out, 'switchboard_tokens_total{model="main",role="primary",kind="output"}')).toBe(5);
    expect(value(out, 'switchboard_tokens_total{model="main",role="primary",kind="cached"}')).toBe(2);
    expect(value(out, 'switchboard_cost_usd_total{model="main",role="primary"}')).toBeCloseTo(0.001, 12);
  });

  it('ignores command replies', async () => {
    hub.emit('message.completed', { sessionId: 's1', turnId: 't1', message: message({ kind: 'command_reply', modelConfigId: null, usage: null }) });
    expect(await text()).not.toMatch(/^switchboard_turns_total\{/m);
  });

  it('records delegated usage by role', async () => {
    // Delegated usage arrives as an internal event.
    await internal.emit('usage.recorded', { role: 'compaction', modelConfigId: 'quick', inputTokens: 300, outputTokens: 40, cachedTokens: 0, costUsd: 0.0002 });
    await internal.emit('usage.recorded', { role: 'compaction', modelConfigId: 'quick', inputTokens: 100, outputTokens: 10, cachedTokens: 5, costUsd: 0.0001 });
    const out = await text();
    expect(value(out, 'switchboard_tokens_total{model="quick",role="compaction",kind="input"}')).toBe(400);
    expect(value(out, 'switchboard_tokens_total{model="quick",role="compaction",kind="cached"}')).toBe(5);
    expect(value(out, 'switchboard_cost_usd_total{model="quick",role="compaction"}')).toBeCloseTo(0.0003, 12);
  });

  it('sums queue depth over sessions', async () => {
    const q = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `q${i}`, sessionId: 's', position: i, text: 't', modelConfigId: 'main', modelSource: 'global' as const, createdAt: 'x' }));
    hub.emit('queue.updated', { sessionId: 'a', version: 1, queue: q(2) });
    hub.emit('queue.updated', { sessionId: 'b', version: 1, queue: q(3) });
    expect(value(await text(), 'switchboard_queue_depth')).toBe(5);
    hub.emit('queue.updated', { sessionId: 'a', version: 2, queue: [] });
    expect(value(await text(), 'switchboard_queue_depth')).toBe(3);
  });

  it('counts provider errors and fallbacks from system events', async () => {
    hub.emit('message.created', { sessionId: 's1', message: message({ role: 'system', kind: 'turn_error', modelConfigId: null, event: { error: 'boom', modelConfigId: 'main' } }) });
    hub.emit('message.created', { sessionId: 's1', message: message({ role: 'system', kind: 'model_fallback', modelConfigId: null, event: { from: 'main', to: 'quick' } }) });
    hub.emit('message.created', { sessionId: 's1', message: message({ role: 'system', kind: 'engine_switch', modelConfigId: null, event: {} }) });
    const out = await text();
    expect(value(out, 'switchboard_provider_errors_total{model="main"}')).toBe(1);
    expect(value(out, 'switchboard_fallbacks_total{from="main",to="quick"}')).toBe(1);
  });

  it('has a registry of its own with the process metrics, so two can live in one process', async () => {
    const other = new MetricsService(hub, new InternalEvents());
    try {
      hub.emit('message.completed', { sessionId: 's1', turnId: 't1', message: message({}) });
      for (const m of [metrics, other]) {
        const out = (await m.render()).body;
        expect(value(out, 'switchboard_turns_total{model="main",status="complete"}')).toBe(1);
        expect(out).toMatch(/^process_resident_memory_bytes \d+/m);
        expect(out).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
      }
      expect((await metrics.render()).contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    } finally {
      other.onApplicationShutdown();
    }
    // Unsubscribed: later events are not counted.
    hub.emit('message.completed', { sessionId: 's1', turnId: 't9', message: message({ turnId: 't9' }) });
    expect(value((await other.render()).body, 'switchboard_turns_total{model="main",status="complete"}')).toBe(1);
  });
});
