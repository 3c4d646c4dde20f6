import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { estimateTokens } from '../tokens';
import { OfflineLanguageModel, offlineReply, splitWords } from './offline-model';

function callOptions(userText: string, extra: Partial<LanguageModelV3CallOptions> = {}): LanguageModelV3CallOptions {
  return {
    prompt: [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: [{ type: 'text', text: 'earlier question' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'earlier answer' }] },
      { role: 'user', content: [{ type: 'text', text: userText }] },
    ],
    ...extra,
  };
}

async function readAll(stream: ReadableStream<LanguageModelV3StreamPart>): Promise<LanguageModelV3StreamPart[]> {
  const parts: LanguageModelV3StreamPart[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return parts;
    parts.push(value);
  }
}

describe('offlineReply', () => {
  it('says what it is, echoes the message and says how to configure a real model', () => {
    const reply = offlineReply('How do I bake bread?');
    expect(reply).toContain("Switchboard's offline demo model");
    expect(reply).toContain('no AI provider is configured');
    expect(reply).toContain('You said: "How do I bake bread?"');
    for (const hint of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OLLAMA_BASE_URL', 'SWITCHBOARD_CONFIG', 'README']) expect(reply).toContain(hint);
  });

  it('truncates the echo to 500 characters', () => {
    const reply = offlineReply('a'.repeat(600));
    expect(reply).toContain(`"${'a'.repeat(500)}…"`);
    expect(reply).not.toContain('a'.repeat(501));
  });

  it('handles a conversation without a user message', () => {
    expect(offlineReply(undefined)).toContain("You didn't say anything");
  });

  it.each([
    ['what is 2+2', '2 + 2 = 4.'],
    ["What's 10 / 4?", '10 / 4 = 2.5.'],
    ['0.1 + 0.2', '0.1 + 0.2 = 0.3.'],
    ['what is 7 - 9', '7 - 9 = -2.'],
    ['3x4', '3 x 4 = 12.'],
  ])('answers simple arithmetic: %j', (question, answer) => {
    expect(offlineReply(question).startsWith(`${answer}\n\n`)).toBe(true);
  });

  it.each(['what is 1/0', 'is 2+2 really 4 in all bases?', 'hello'])('does not attempt %j', (question) => {
    expect(offlineReply(question).startsWith("I'm Switchboard")).toBe(true);
  });

  it('is deterministic', () => {
    expect(offlineReply('same')).toBe(offlineReply('same'));
  });
});

describe('splitWords', () => {
  it.each(['one two  three\n\nfour ', '  leading', '', '   ', 'single'])('splits %j into chunks that join back', (text) => {
    const chunks = splitWords(text);
    expect(chunks.join('')).toBe(text);
    expect(chunks.every((c) => c.trim().split(/\s+/).length <= 1)).toBe(true);
  });
});

describe('OfflineLanguageModel', () => {
  const model = new OfflineLanguageModel();

  it('declares the V3 specification', () => {
    expect(model).toMatchObject({ specificationVersion: 'v3', provider: 'offline', modelId: 'switchboard-offline' });
  });

  it('streams V3 parts: stream-start, text-start, word deltas with the same id, text-end, finish', async () => {
    const { stream } = await model.doStream(callOptions('Hello there'));
    const parts = await readAll(stream);
    const types = parts.map((p) => p.type);
    expect(types[0]).toBe('stream-start');
    expect(types[1]).toBe('text-start');
    expect(types.slice(-2)).toEqual(['text-end', 'finish']);
    const deltas = parts.filter((p): p is Extract<LanguageModelV3StreamPart, { type: 'text-delta' }> => p.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(10);
    expect(new Set(parts.filter((p) => 'id' in p).map((p) => (p as { id: string }).id)).size).toBe(1);
    const text = deltas.map((d) => d.delta).join('');
    expect(text).toBe(offlineReply('Hello there'));

    const finish = parts.at(-1) as Extract<LanguageModelV3StreamPart, { type: 'finish' }>;
    const promptText = 'You are helpful.\nearlier question\nearlier answer\nHello there';
    expect(finish.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
    expect(finish.usage).toEqual({
      inputTokens: { total: estimateTokens(promptText), noCache: estimateTokens(promptText), cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: estimateTokens(text), text: estimateTokens(text), reasoning: 0 },
    });
  });

  it('generates the same text without streaming', async () => {
    const result = await model.doGenerate(callOptions('Hello there'));
    expect(result.content).toEqual([{ type: 'text', text: offlineReply('Hello there') }]);
    expect(result.finishReason.unified).toBe('stop');
    expect(result.warnings).toEqual([]);
  });

  it('respects maxOutputTokens with a length finish', async () => {
    const result = await model.doGenerate(callOptions('Hello there', { maxOutputTokens: 5 }));
    expect(result.content).toEqual([{ type: 'text', text: offlineReply('Hello there').slice(0, 20) }]);
    expect(result.finishReason.unified).toBe('length');
    expect(result.usage.outputTokens.total).toBe(5);
  });

  it('stops between words when the call is aborted', async () => {
    const controller = new AbortController();
    const { stream } = await model.doStream(callOptions('Hello there', { abortSignal: controller.signal }));
    const reader = stream.getReader();
    await reader.read();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });
});
