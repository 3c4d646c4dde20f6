import { session } from '../../lib/testing/fixtures';
import { filterSessions } from './conversation-list';

describe('filterSessions', () => {
  const all = [
    session({ id: 'w', channel: 'web', title: 'Trip to Lisbon' }),
    session({ id: 't', channel: 'telegram', peerId: '4242', title: null }),
    session({ id: 'a', channel: 'api', title: 'Nightly report' }),
  ];
  it('filters by channel and by words in the title or peer id', () => {
    expect(filterSessions(all, 'all', '').map((s) => s.id)).toEqual(['w', 't', 'a']);
    expect(filterSessions(all, 'telegram', '').map((s) => s.id)).toEqual(['t']);
    expect(filterSessions(all, 'all', 'lisbon').map((s) => s.id)).toEqual(['w']);
    expect(filterSessions(all, 'all', '4242').map((s) => s.id)).toEqual(['t']);
    expect(filterSessions(all, 'api', 'lisbon')).toEqual([]);
  });
});
