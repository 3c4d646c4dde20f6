import { snippetPieces } from './highlighted';
import { pinnedFirst } from '../chat/use-conversation-actions';
import { importSummary } from '../settings/conversation-archive-card';
import { session } from '../../lib/testing/fixtures';

describe('snippetPieces', () => {
  it('splits text into plain and marked pieces', () => {
    expect(snippetPieces({ text: 'the capital of France', highlights: [[4, 11], [15, 21]] })).toEqual([
      { text: 'the ', mark: false },
      { text: 'capital', mark: true },
      { text: ' of ', mark: false },
      { text: 'France', mark: true },
    ]);
  });
  it('keeps markup as text and survives bad ranges (unsorted, overlapping, out of bounds, empty)', () => {
    expect(snippetPieces({ text: '<b>hi</b>', highlights: [] })).toEqual([{ text: '<b>hi</b>', mark: false }]);
    expect(snippetPieces({ text: 'abcdef', highlights: [[4, 99], [0, 2], [1, 3], [5, 5], [-3, 0]] })).toEqual([
      { text: 'ab', mark: true },
      { text: 'c', mark: true },
      { text: 'd', mark: false },
      { text: 'ef', mark: true },
    ]);
  });
});

describe('pinnedFirst', () => {
  it('puts pinned conversations first, each group in the given order', () => {
    const list = [session({ id: 'a' }), session({ id: 'b', pinned: true }), session({ id: 'c' }), session({ id: 'd', pinned: true })];
    expect(pinnedFirst(list).map((s) => s.id)).toEqual(['b', 'd', 'a', 'c']);
  });
});

describe('importSummary', () => {
  it('says what an import did', () => {
    expect(importSummary({ imported: 1, skipped: 0, renamed: [], messages: 4 })).toBe('1 conversation imported (4 messages).');
    expect(importSummary({ imported: 2, skipped: 3, renamed: [{ sessionId: 's', channel: 'web', from: 'p', to: 'p~imported' }], messages: 9 })).toBe(
      '2 conversations imported (9 messages); 3 already here, skipped; 1 renamed because their chat id was taken.',
    );
  });
});
