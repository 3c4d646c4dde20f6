import { buildConversationSummary, type SummaryMessage } from './build-conversation-summary';

const user = (content: string): SummaryMessage => ({ role: 'user', content });
const assistant = (content: string): SummaryMessage => ({ role: 'assistant', content });

/** A conversation of n short alternating turns: "q1", "a1", "q2", ... */
function conversation(turns: number): SummaryMessage[] {
  return Array.from({ length: turns * 2 }, (_, i) => (i % 2 ? assistant(`answer ${(i + 1) / 2}`) : user(`question ${i / 2 + 1}`)));
}

// Small deterministic PRNG so the property test is reproducible.
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('buildConversationSummary', () => {
  it('returns an empty string for no messages, blank messages or no budget', () => {
    expect(buildConversationSummary([], { maxChars: 100 })).toBe('');
    expect(buildConversationSummary([user('   '), assistant('')], { maxChars: 100 })).toBe('');
    expect(buildConversationSummary([user('hi')], { maxChars: 0 })).toBe('');
    expect(buildConversationSummary([user('hi')], { maxChars: -5 })).toBe('');
    expect(buildConversationSummary([user('hi')], { maxChars: Number.NaN })).toBe('');
  });

  it('returns every message, one line each, when everything fits', () => {
    expect(buildConversationSummary([user('Hi there'), assistant('Hello!\n\nHow can I help?')], { maxChars: 1000 })).toBe(
      'User: Hi there\nAssistant: Hello! How can I help?',
    );
  });

  it('keeps the head, marks the gap and prefers the most recent messages', () => {
    const messages = conversation(20); // 40 messages
    const out = buildConversationSummary(messages, { maxChars: 200 });
    const lines = out.split('\n');
    expect(out.length).toBeLessThanOrEqual(200);
    expect(lines.slice(0, 2)).toEqual(['User: question 1', 'Assistant: answer 1']);
    expect(lines[2]).toMatch(/^\[… \d+ earlier messages omitted …\]$/);
    expect(lines[lines.length - 1]).toBe('Assistant: answer 20');
    expect(lines[lines.length - 2]).toBe('User: question 20');
    const omitted = Number(/(\d+)/.exec(lines[2])![1]);
    // Head + omitted + tail account for every message exactly once.
    expect(2 + omitted + (lines.length - 3)).toBe(40);
    // The tail uses the room it has: one more line would not have fitted.
    const nextOlder = messages[40 - (lines.length - 3) - 1];
    expect(out.length + `\nAssistant: ${nextOlder.content}`.length).toBeGreaterThan(200);
  });

  it('honours headTurns', () => {
    const out = buildConversationSummary(conversation(20), { maxChars: 220, headTurns: 3 });
    expect(out.split('\n').slice(0, 4)).toEqual(['User: question 1', 'Assistant: answer 1', 'User: question 2', expect.stringMatching(/omitted/)]);
    const noHead = buildConversationSummary(conversation(20), { maxChars: 220, headTurns: 0 });
    expect(noHead.split('\n')[0]).toMatch(/^\[… \d+ earlier messages omitted …\]$/);
  });

  it('uses the singular for one omitted message', () => {
    const messages = [user('q1'), assistant('a1'), user('x'.repeat(60)), assistant('a3'), user('q4')];
    const out = buildConversationSummary(messages, { maxChars: 95, maxMessageChars: 1000 });
    expect(out).toBe('User: q1\nAssistant: a1\n[… 1 earlier message omitted …]\nAssistant: a3\nUser: q4');
  });

  it('truncates a single huge message with an ellipsis to fit the budget', () => {
    const out = buildConversationSummary([user('word '.repeat(10_000))], { maxChars: 300 });
    expect(out.length).toBeLessThanOrEqual(300);
    expect(out.startsWith('User: word word')).toBe(true);
    expect(out.endsWith('…')).toBe(true);
  });

  it('cuts individual long messages so one cannot crowd out the rest', () => {
    const messages = [user('short question'), assistant('long '.repeat(2000)), user('follow-up'), assistant('final answer')];
    const out = buildConversationSummary(messages, { maxChars: 400 });
    const lines = out.split('\n');
    expect(out.length).toBeLessThanOrEqual(400);
    expect(lines).toContain('User: follow-up');
    expect(lines).toContain('Assistant: final answer');
    const long = lines.find((l) => l.startsWith('Assistant: long'))!;
    expect(long.endsWith('…')).toBe(true);
    expect(long.length).toBeLessThanOrEqual(100);
  });

  it('always includes the latest message, cut if it has to be', () => {
    const messages = [...conversation(5), user('latest ' + 'detail '.repeat(500))];
    const out = buildConversationSummary(messages, { maxChars: 150, maxMessageChars: 10_000 });
    expect(out.length).toBeLessThanOrEqual(150);
    expect(out.split('\n').pop()).toMatch(/^User: latest detail detail.*…$/);
  });

  it('falls back to the latest message alone when the budget is too small for a marker', () => {
    const out = buildConversationSummary(conversation(10), { maxChars: 20 });
    expect(out).toBe('Assistant: answer 10');
    const tiny = buildConversationSummary(conversation(10), { maxChars: 8 });
    expect(tiny).toBe('Assista…');
  });

  it('never splits a surrogate pair when cutting', () => {
    const out = buildConversationSummary([user('😀'.repeat(200))], { maxChars: 51 });
    expect(out.length).toBeLessThanOrEqual(51);
    expect(out.endsWith('…')).toBe(true);
    // A lone high surrogate would not survive a UTF-8 round trip.
    expect(Buffer.from(out, 'utf8').toString('utf8')).toBe(out);
  });

  it('never exceeds the budget on random conversations (property test)', () => {
    const random = prng(42);
    const words = ['alpha', 'beta', 'gamma', 'delta', '😀', 'x'.repeat(40), '\n', 'épsilon'];
    for (let run = 0; run < 500; run++) {
      const n = Math.floor(random() * 40);
      const messages = Array.from({ length: n }, (_, i) => {
        const len = Math.floor(random() ** 3 * 400);
        const content = Array.from({ length: len }, () => words[Math.floor(random() * words.length)]).join(' ');
        return i % 2 ? assistant(content) : user(content);
      });
      const maxChars = 1 + Math.floor(random() * 2000);
      const headTurns = Math.floor(random() * 5);
      const out = buildConversationSummary(messages, { maxChars, headTurns });
      expect(out.length).toBeLessThanOrEqual(maxChars);
      const hasContent = messages.some((m) => m.content.trim() !== '');
      expect(out === '').toBe(!hasContent);
    }
  });
});
