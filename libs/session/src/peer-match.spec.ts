import { matchesPeer } from './peer-match';

describe('matchesPeer', () => {
  it.each([
    ['*', '12345', true],
    ['*', '', true],
    ['12345', '12345', true],
    ['12345', '123456', false],
    ['12345', '1234', false],
    ['team-*', 'team-a', true],
    ['team-*', 'team-', true],
    ['team-*', 'team', false],
    ['team-*', 'xteam-a', false],
    ['*-admin', 'ops-admin', true],
    ['*-admin', 'ops-admin-2', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['a*b*c', 'acb', false],
    ['**', 'anything', true],
    ['a**b', 'ab', true],
    ['web-?', 'web-1', false],
    ['web-?', 'web-?', true],
    ['a.b', 'aXb', false],
    ['[abc]', 'a', false],
    ['', '', true],
    ['', 'x', false],
    ['Team-*', 'team-a', false],
  ])('matchesPeer(%j, %j) is %s', (pattern, peer, expected) => {
    expect(matchesPeer(pattern, peer)).toBe(expected);
  });

  it('stays fast on patterns that make backtracking regexes explode', () => {
    const pattern = '*a'.repeat(30) + 'b';
    const peer = 'a'.repeat(5000);
    const t0 = performance.now();
    expect(matchesPeer(pattern, peer)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
