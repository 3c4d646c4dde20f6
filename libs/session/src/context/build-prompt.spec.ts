import { estimateTokens, type ChatMessage } from '@switchboard/models';
import { buildPrompt } from './build-prompt';

const turn = (i: number, size = 400): ChatMessage[] => [
  { role: 'user', content: `Question ${i}: ${'x'.repeat(size)}` },
  { role: 'assistant', content: `Answer ${i}: ${'y'.repeat(size)}` },
];

describe('buildPrompt', () => {
  it('passes a history that fits through unchanged', () => {
    const history = [...turn(1, 20), { role: 'user' as const, content: 'now' }];
    const p = buildPrompt({ system: 'sys', history, contextWindow: 100_000 });
    expect(p).toMatchObject({ system: 'sys', summarisedCount: 0 });
    expect(p.messages).toBe(history);
  });

  it('replaces the oldest messages with a head + tail summary when the history does not fit', () => {
    const history = [...Array.from({ length: 12 }, (_, i) => turn(i)).flat(), { role: 'user' as const, content: 'the current question' }];
    const p = buildPrompt({ system: 'sys', history, contextWindow: 1000 });
    expect(p.summarisedCount).toBeGreaterThan(0);
    expect(p.messages.at(-1)).toEqual({ role: 'user', content: 'the current question' });
    expect(p.messages[0].role).toBe('user');
    expect(p.system).toContain('<conversation_summary>');
    expect(p.system).toContain('Question 0');
    expect(p.messages.length + p.summarisedCount).toBe(history.length);
    const tokens = estimateTokens(p.system) + p.messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 0);
    expect(tokens).toBeLessThanOrEqual(1000);
    expect(p.promptTokens).toBe(tokens);
  });

  it('always keeps the current user message, even when it alone is over budget', () => {
    const huge = { role: 'user' as const, content: 'z'.repeat(20_000) };
    const p = buildPrompt({ system: 'sys', history: [...turn(1), huge], contextWindow: 1000 });
    expect(p.messages).toEqual([huge]);
    expect(p.summarisedCount).toBe(2);
  });

  it('places the turn\'s own material just before the current message, counted in the budget', () => {
    const history = [...turn(1, 20), { role: 'user' as const, content: 'now' }];
    const p = buildPrompt({ system: 'sys', history, contextWindow: 100_000, turnContext: '<memory>\n- likes tea\n</memory>' });
    expect(p.system).toBe('sys');
    expect(p.messages).toEqual([...history.slice(0, -1), { role: 'system', content: '<memory>\n- likes tea\n</memory>' }, history[2]]);
    expect(p.promptTokens).toBe(buildPrompt({ system: 'sys', history, contextWindow: 100_000 }).promptTokens + estimateTokens('<memory>\n- likes tea\n</memory>') + 4);
    // Trimmed to fit, it still goes right before the current message.
    const long = [...Array.from({ length: 12 }, (_, i) => turn(i)).flat(), { role: 'user' as const, content: 'the current question' }];
    const trimmed = buildPrompt({ system: 'sys', history: long, contextWindow: 1000, turnContext: 'MEM' });
    expect(trimmed.messages.slice(-2)).toEqual([{ role: 'system', content: 'MEM' }, { role: 'user', content: 'the current question' }]);
    expect(trimmed.promptTokens).toBeLessThanOrEqual(1000);
  });

  it('counts with the model\'s counter', () => {
    const history = [...turn(1, 20), { role: 'user' as const, content: 'now' }];
    const fits = buildPrompt({ system: 'sys', history, contextWindow: 1000 });
    expect(fits.summarisedCount).toBe(0);
    // A model that counts a hundred times as many tokens does not fit the same history.
    const dense = buildPrompt({ system: 'sys', history, contextWindow: 1000, count: (t) => estimateTokens(t) * 100 });
    expect(dense.summarisedCount).toBeGreaterThan(0);
  });
});
