import type { Memory } from '@switchboard/protocol';
import { formatLimit, groupIdOf, groupOptions, limitNotice, limitState, resetsAtText, scopeChip, sortPeople, usageAgainst, usagePersonName } from './people';
import { person, session } from './testing/fixtures';

const memory = (overrides: Partial<Memory>): Memory => ({
  id: 'm',
  content: 'x',
  scope: 'global',
  projectId: null,
  personId: null,
  groupId: null,
  category: null,
  tags: [],
  confidence: 1,
  source: 'user',
  sourceSessionId: null,
  sourceMessageId: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...overrides,
});

describe('people helpers', () => {
  it('puts the owner first, then other owners, then members by name', () => {
    const list = [person({ id: 'p2', displayName: 'Zed' }), person({ id: 'p3', displayName: 'Bea', role: 'owner' }), person({ id: 'owner', displayName: 'Me', role: 'owner' }), person({ id: 'p1', displayName: 'Ann' })];
    expect(sortPeople(list).map((p) => p.id)).toEqual(['owner', 'p3', 'p1', 'p2']);
  });

  it('tells a limit set for the person from the role default, and reads usage against it', () => {
    const p = person({
      id: 'p1',
      limits: { messagesPerMinute: 5, tokensPerDay: 10_000, costPerDayUsd: null },
      limitOverrides: { tokensPerDay: 10_000 },
      usage: { day: '2026-01-01', tokens: 2_500, costUsd: 0.0042, messagesLastMinute: 5, resetsAt: '2026-01-02T00:00:00.000Z' },
    });
    expect(limitState(p, 'tokensPerDay')).toEqual({ value: 10_000, isDefault: false });
    expect(limitState(p, 'messagesPerMinute')).toEqual({ value: 5, isDefault: true });
    expect(limitState(p, 'costPerDayUsd')).toEqual({ value: null, isDefault: true });
    expect(usageAgainst(p, 'tokensPerDay')).toMatchObject({ text: '2.5k of 10k', ratio: 0.25 });
    expect(usageAgainst(p, 'messagesPerMinute')).toMatchObject({ text: '5 of 5', ratio: 1 });
    expect(usageAgainst(p, 'costPerDayUsd')).toMatchObject({ text: '$0.0042', ratio: null });
    expect([formatLimit('messagesPerMinute', 20), formatLimit('tokensPerDay', 100_000), formatLimit('costPerDayUsd', 1.5), formatLimit('tokensPerDay', null)]).toEqual([
      '20 a minute',
      '100,000 tokens',
      '$1.50',
      'Unlimited',
    ]);
  });

  it('says when a daily budget resets, in UTC and from now', () => {
    const now = Date.parse('2026-01-01T18:48:00Z');
    expect(resetsAtText('2026-01-02T00:00:00.000Z', now)).toBe('00:00 UTC (in 5 h 12 min)');
    expect(resetsAtText('2026-01-01T19:00:00.000Z', now)).toBe('19:00 UTC (in 12 min)');
    expect(resetsAtText('nonsense', now)).toBe('midnight UTC');
  });

  it('names groups by a conversation title (the group chat before its topics), else by their key', () => {
    expect(groupIdOf({ channel: 'telegram', group: '-100200' })).toBe('telegram:-100200');
    expect(groupIdOf({ channel: 'telegram', group: 'telegram:-100200' })).toBe('telegram:-100200');
    expect(groupIdOf({ channel: 'telegram', group: null })).toBeNull();
    const sessions = [
      session({ id: 't', channel: 'telegram', peerId: '-100200:7', group: '-100200', title: 'A topic' }),
      session({ id: 'g', channel: 'telegram', peerId: '-100200', group: '-100200', title: 'Family' }),
      session({ id: 'h', channel: 'telegram', peerId: '-100300', group: '-100300' }),
      session({ id: 'dm', channel: 'telegram', peerId: '42' }),
    ];
    expect(groupOptions(sessions, [memory({ scope: 'group', groupId: 'telegram:-100400' })])).toEqual([
      { groupId: 'telegram:-100200', name: 'Family' },
      { groupId: 'telegram:-100300', name: 'Telegram -100300' },
      { groupId: 'telegram:-100400', name: 'Telegram -100400' },
    ]);
  });

  it('chips a memory with whose it is', () => {
    const people = [person({ id: 'owner', displayName: 'Me', role: 'owner' }), person({ id: 'p1', displayName: 'Ann' })];
    const groups = [{ groupId: 'telegram:-1', name: 'Family' }];
    expect(scopeChip(memory({ scope: 'global' }), people, groups)).toBe('Global — shared with everyone');
    expect(scopeChip(memory({ scope: 'person', personId: 'owner' }), people, groups)).toBe('You');
    expect(scopeChip(memory({ scope: 'person', personId: 'p1' }), people, groups)).toBe('Ann');
    expect(scopeChip(memory({ scope: 'person', personId: 'p9' }), people, groups)).toBe('p9');
    // While the people are loading: no ids flashing by.
    expect(scopeChip(memory({ scope: 'person', personId: 'p1' }), undefined, groups)).toBe('Person');
    expect(scopeChip(memory({ scope: 'group', groupId: 'telegram:-1' }), people, groups)).toBe('Group · Family');
    expect(scopeChip(memory({ scope: 'project', projectId: 'switchboard' }), people, groups)).toBe('Project · switchboard');
    expect(usagePersonName(people, 'unknown')).toBe('Unattributed');
    expect(usagePersonName(people, 'p1')).toBe('Ann');
  });

  it('words a refused send: a rate limit counting down, a spent budget with when it resets; nothing for other errors', () => {
    const now = Date.parse('2026-01-01T22:00:00Z');
    const rate = limitNotice({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 42, limit: 'messagesPerMinute', personId: 'p1' } }, now)!;
    expect(rate.text(now)).toBe('Limit reached: too many messages this minute — try again in 42 s.');
    expect(rate.text(now + 40_500)).toBe('Limit reached: too many messages this minute — try again in 2 s.');
    expect(rate.text(now + 42_000)).toBe('You can send again now.');
    // With the allowance the API names (its RATE_LIMITED details carry `allowed`).
    const named = limitNotice({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 9, limit: 'messagesPerMinute', allowed: 1, personId: 'p1' } }, now)!;
    expect(named.text(now)).toBe('Limit reached: 1 message a minute — try again in 9 s.');
    const budget = limitNotice(
      { code: 'BUDGET_EXCEEDED', details: { limit: 'tokensPerDay', resetsAt: '2026-01-02T00:00:00.000Z', personId: 'p1', used: 12_400, allowed: 10_000 } },
      now,
    )!;
    expect(budget.text(now)).toBe("Today's budget is used up (tokens: 12k of 10k); resets at 00:00 UTC (in 2 h).");
    expect(limitNotice({ code: 'BUDGET_EXCEEDED' }, now)!.text(now)).toBe("Today's budget is used up; resets at midnight UTC.");
    expect(limitNotice({ code: 'QUEUE_FULL', details: { retryAfterSeconds: 3 } }, now)).toBeNull();
  });
});
