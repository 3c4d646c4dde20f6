import { RemoteInterest } from './remote-interest';

describe('RemoteInterest', () => {
  let now = 1_000;
  const interest = () => new RemoteInterest(15_000, () => now);

  it('wants nothing while no other replica is known', () => {
    const r = interest();
    expect(r.wants('s1', 'message.delta')).toBe(false);
    expect(r.wants('s1', 'message.completed')).toBe(false);
    expect(r.wants(null, 'settings.updated')).toBe(false);
  });

  it("wants a watched session's events, every session's with `all`, and what engines need from any live replica", () => {
    const r = interest();
    expect(r.set('b', { all: false, sessions: ['s1'] })).toBe(true);
    expect(r.wants('s1', 'message.delta')).toBe(true);
    expect(r.wants('s2', 'message.delta')).toBe(false);
    expect(r.wants('s2', 'message.completed')).toBe(true);
    expect(r.wants('s2', 'turn.started')).toBe(true);
    expect(r.wants(null, 'settings.updated')).toBe(true);
    expect(r.wants('s2')).toBe(false);
    expect(r.set('b', { all: true, sessions: [] })).toBe(false);
    expect(r.wants('s2', 'message.delta')).toBe(true);
  });

  it('forgets a replica not heard from within its time to live, and says when it comes back', () => {
    const r = interest();
    r.set('b', { all: true, sessions: [] });
    now += 15_001;
    expect(r.wants('s1', 'message.delta')).toBe(false);
    expect(r.wants('s1', 'message.completed')).toBe(false);
    expect(r.set('b', { all: false, sessions: [] })).toBe(true);
  });
});
