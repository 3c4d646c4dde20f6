import { GrammyError } from 'grammy';
import { SwitchboardApiError } from '@switchboard/protocol';
import { friendlyError, limitReply, UNAVAILABLE } from './errors';

const apiError = (code: string, details?: Record<string, unknown>, status = 429) => new SwitchboardApiError(status, code, `raw ${code} message`, details);

describe('friendlyError', () => {
  it('tells a member over messages-per-minute how long to wait', () => {
    const err = apiError('RATE_LIMITED', { retryAfterSeconds: 42, limit: 'messagesPerMinute', personId: 'p-1' });
    expect(friendlyError(err)).toBe("⏳ You're sending messages too fast — try again in 42 seconds.");
    expect(friendlyError(apiError('RATE_LIMITED', { retryAfterSeconds: 1, limit: 'messagesPerMinute', personId: 'p-1' }))).toBe(
      "⏳ You're sending messages too fast — try again in 1 second.",
    );
    // Fractions round up: never "try again in 0 seconds".
    expect(friendlyError(apiError('RATE_LIMITED', { retryAfterSeconds: 0.2, limit: 'messagesPerMinute' }))).toContain('in 1 second.');
  });

  it('says which daily allowance is used up and when it resets (UTC)', () => {
    const now = new Date('2026-03-04T15:20:00Z');
    const tokens = { limit: 'tokensPerDay', resetsAt: '2026-03-05T00:00:00.000Z', personId: 'p-1', used: 12_000, allowed: 10_000 };
    expect(limitReply('BUDGET_EXCEEDED', tokens, now)).toBe("🪫 You've used today's allowance (tokens); it resets at 00:00 UTC.");
    const cost = { limit: 'costPerDayUsd', resetsAt: '2026-03-05T00:00:00.000Z', personId: 'p-1', used: 0.6, allowed: 0.5 };
    expect(limitReply('BUDGET_EXCEEDED', cost, now)).toBe("🪫 You've used today's allowance (cost); it resets at 00:00 UTC.");
    // Through friendlyError, with the real clock: the same words.
    expect(friendlyError(apiError('BUDGET_EXCEEDED', { ...tokens, resetsAt: new Date(Date.now() + 3600_000).toISOString() }))).toMatch(
      /^🪫 You've used today's allowance \(tokens\); it resets at \d\d:\d\d UTC\.$/,
    );
  });

  it('relays attachment refusals in the API\'s words, marked as about files (an album\'s send goes through here)', () => {
    expect(friendlyError(apiError('ATTACHMENT_NOT_SUPPORTED', { suggestions: [] }, 422))).toBe('🖼️ raw ATTACHMENT_NOT_SUPPORTED message');
    for (const code of ['ATTACHMENT_TOO_LARGE', 'TOO_MANY_ATTACHMENTS', 'ATTACHMENT_TYPE_NOT_ALLOWED']) {
      expect(friendlyError(apiError(code, {}, 413))).toBe(`📎 raw ${code} message`);
    }
  });

  it('words a budget refusal even when its details are missing or odd', () => {
    expect(friendlyError(apiError('BUDGET_EXCEEDED'))).toBe("🪫 You've used today's allowance; it resets at midnight UTC.");
    expect(limitReply('BUDGET_EXCEEDED', { limit: 'tokensPerDay', resetsAt: 'not a date' })).toBe("🪫 You've used today's allowance (tokens); it resets at midnight UTC.");
    // A reset more than a day away names its day.
    expect(limitReply('BUDGET_EXCEEDED', { limit: 'tokensPerDay', resetsAt: '2026-03-07T00:00:00Z' }, new Date('2026-03-04T10:00:00Z'))).toBe(
      "🪫 You've used today's allowance (tokens); it resets at 00:00 UTC on 2026-03-07.",
    );
  });

  it('keeps the other RATE_LIMITED sources apart: a request rate with a wait, a provider 429 without details', () => {
    expect(friendlyError(apiError('RATE_LIMITED', { retryAfterSeconds: 5 }))).toBe('⏳ Too many requests right now — try again in 5 seconds.');
    expect(friendlyError(apiError('RATE_LIMITED'))).toBe('⏳ The model provider is rate-limiting us. Please try again shortly.');
    expect(friendlyError(apiError('RATE_LIMITED', { limit: 'messagesPerMinute' }))).toBe("⏳ You're sending messages too fast — try again in a minute.");
  });

  it('never leaks the raw message of a limit, and leaves the other cases as they were', () => {
    const text = friendlyError(apiError('RATE_LIMITED', { retryAfterSeconds: 9, limit: 'messagesPerMinute', personId: 'p-1' }))!;
    expect(text).not.toContain('raw');
    expect(friendlyError(apiError('QUEUE_FULL'))).toContain('Too many messages are already waiting');
    expect(friendlyError(apiError('INTERNAL', undefined, 500))).toBe(UNAVAILABLE);
    expect(friendlyError(new GrammyError('x', { ok: false, error_code: 400, description: 'Bad Request' }, 'sendMessage', {}))).toBeNull();
    expect(limitReply('QUEUE_FULL', { retryAfterSeconds: 3 })).toBeNull();
  });
});
