import { draftText, finalHtml, limitRefusal } from './reply-relay';

describe('finalHtml', () => {
  it('formats complete replies and says when one did not finish', () => {
    expect(finalHtml({ content: 'a **b**', status: 'complete' })).toBe('a <b>b</b>');
    expect(finalHtml({ content: '', status: 'complete' })).toBe('<i>(empty reply)</i>');
    expect(finalHtml({ content: 'partial', status: 'interrupted' })).toBe('partial\n\n<i>(stopped)</i>');
    expect(finalHtml({ content: 'half', status: 'error' })).toBe('half\n\n<i>(cut off by an error)</i>');
    // Nothing streamed before a failure: the service line says what happened.
    expect(finalHtml({ content: '  ', status: 'error' })).toBe('');
    expect(finalHtml({ content: '', status: 'interrupted' })).toBe('');
  });
});

describe('draftText', () => {
  it('shows the text so far as plain text, marked as in progress, cut to fit one message', () => {
    expect(draftText('')).toBe('');
    expect(draftText('Hello **wor')).toBe('Hello **wor …');
    const long = draftText('x'.repeat(10_000));
    expect(long.length).toBeLessThan(4096);
    expect(long.endsWith(' …')).toBe(true);
  });
});

describe('limitRefusal', () => {
  it('words a turn the limits refused after its message was queued; other events keep their own text', () => {
    const event = { code: 'RATE_LIMITED', details: { retryAfterSeconds: 12, limit: 'messagesPerMinute', personId: 'p-1' } };
    expect(limitRefusal({ role: 'system', event })).toBe("⏳ You're sending messages too fast — try again in 12 seconds.");
    // Details flat on the event work too.
    expect(limitRefusal({ role: 'system', event: { code: 'BUDGET_EXCEEDED', limit: 'costPerDayUsd' } })).toContain('allowance (cost)');
    expect(limitRefusal({ role: 'system', event: { error: 'provider down' } })).toBeNull();
    expect(limitRefusal({ role: 'system', event: null })).toBeNull();
    expect(limitRefusal({ role: 'assistant', event })).toBeNull();
  });
});
