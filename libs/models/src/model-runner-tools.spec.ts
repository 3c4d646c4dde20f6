import { z } from 'zod';
import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';
import { loadConfig } from './load-config';
import { ModelCatalog } from './model-catalog';
import { ModelRunner } from './model-runner';
import type { ToolEvent } from './run-events';
import type { ToolSpec } from './tool-spec';

let fake: FakeLlmServer;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

function runner(): ModelRunner {
  const config = loadConfig({
    env: {},
    fileText: JSON.stringify({
      providers: { fake: { type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: 'k' }, ant: { type: 'anthropic', baseUrl: fake.baseUrl, apiKey: 'k' } },
      models: [
        { id: 'a', provider: 'fake', model: 'model-a', tier: 'default' },
        { id: 'c', provider: 'ant', model: 'claude-x' },
      ],
    }),
  });
  return new ModelRunner({ config, catalog: new ModelCatalog(config) });
}

const adder: ToolSpec<{ a: number; b: number }> = {
  name: 'add',
  description: 'adds two numbers',
  input: z.object({ a: z.number(), b: z.number() }),
  execute: async ({ a, b }) => ({ sum: a + b }),
};
const ctx = { sessionId: 's', turnId: 't', channel: 'api', peerId: 'p', projectId: null };

describe('ModelRunner tool loop', () => {
  it.each(['a', 'c'])('executes a tool call and feeds the result back (model %s)', async (model) => {
    fake.addRule({ toolCalls: [{ name: 'add', arguments: { a: 2, b: 3 } }], times: 1 });
    fake.addRule({ reply: (req) => `seen: ${req.messages.filter((m) => m.role === 'tool' || m.content.includes('"sum"')).length > 0}` });
    const events: ToolEvent[] = [];
    const r = await runner().stream({ modelConfigId: model, messages: [{ role: 'user', content: 'add' }], tools: [adder as ToolSpec], toolContext: ctx, onToolEvent: (e) => events.push(e) });
    expect(r.text).toBe('seen: true');
    expect(r.steps).toBe(2);
    expect(r.parts).toEqual([
      { type: 'tool-call', toolCallId: expect.any(String), toolName: 'add', input: { a: 2, b: 3 } },
      { type: 'tool-result', toolCallId: expect.any(String), toolName: 'add', output: { sum: 5 }, durationMs: expect.any(Number) },
      { type: 'text', text: 'seen: true' },
    ]);
    expect(events.map((e) => e.type)).toEqual(['started', 'finished']);
  });

  it('reports invalid input and unknown tools to the model instead of failing', async () => {
    fake.addRule({ toolCalls: [{ name: 'add', arguments: { a: 'two' } }, { name: 'nope', arguments: {} }], times: 1 });
    fake.addRule({ reply: 'ok' });
    const events: ToolEvent[] = [];
    const r = await runner().stream({ modelConfigId: 'a', messages: [{ role: 'user', content: 'x' }], tools: [adder as ToolSpec], toolContext: ctx, onToolEvent: (e) => events.push(e) });
    const results = r.parts.filter((p) => p.type === 'tool-result') as Array<{ output: { error: string }; isError?: boolean }>;
    expect(results[0].output.error).toContain('Invalid input');
    expect(results[1].output.error).toContain('Unknown tool');
    // Stored with the reply, so every door can say the call failed after a reload.
    expect(results.map((x) => x.isError)).toEqual([true, true]);
    expect(events.filter((e) => e.type === 'finished').every((e) => e.type === 'finished' && !e.ok)).toBe(true);
  });

  it('stops offering tools after the iteration limit so the model must answer', async () => {
    fake.addRule({ toolCalls: [{ name: 'add', arguments: { a: 1, b: 1 } }], times: 2 });
    fake.addRule({ reply: 'final' });
    const r = await runner().stream({ modelConfigId: 'a', messages: [{ role: 'user', content: 'loop' }], tools: [adder as ToolSpec], toolContext: ctx, maxToolIterations: 2 });
    expect(r.text).toBe('final');
    expect(fake.requests.map((q) => Array.isArray((q.body as { tools?: unknown }).tools))).toEqual([true, true, false]);
  });

  it('sends no tool schemas when no tools are given', async () => {
    await runner().stream({ modelConfigId: 'a', messages: [{ role: 'user', content: 'plain' }] });
    expect((fake.requests[0].body as { tools?: unknown }).tools).toBeUndefined();
  });
});
