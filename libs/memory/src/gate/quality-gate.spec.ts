import { MEMORY_MAX_CHARS } from '@switchboard/protocol';
import type { MemoryCandidate, MemoryLike } from '../memory.types';
import { contradicts, evaluateCandidate, precheckCandidate, type GateInput } from './quality-gate';

const cand = (content: string, over: Partial<MemoryCandidate> = {}): MemoryCandidate => ({
  content,
  scope: 'global',
  confidence: 0.9,
  category: null,
  tags: [],
  targetId: null,
  ...over,
});
const mem = (id: string, content: string, over: Partial<MemoryLike> = {}): MemoryLike => ({ id, content, scope: 'global', projectId: null, ...over });
const run = (candidate: MemoryCandidate, over: Partial<GateInput> = {}) =>
  evaluateCandidate({ candidate, projectId: null, sourceText: null, injected: [], exact: [], neighbours: [], target: null, ...over });

describe('quality gate', () => {
  describe('junk memories', () => {
    it.each([
      'User asked about the weather in Paris',
      'User said thanks',
      'The assistant explained recursion',
      'User is ok',
      'This conversation is about Rust',
    ])('rejects junk as JUNK: %s', (content) => {
      expect(run(cand(content))).toMatchObject({ action: 'rejected', reason: 'JUNK' });
    });

    it('rejects low confidence and empty content', () => {
      expect(run(cand('User likes opera', { confidence: 0.3 }))).toMatchObject({ action: 'rejected', reason: 'LOW_CONFIDENCE' });
      expect(run(cand('User likes opera', { confidence: Number.NaN }))).toMatchObject({ reason: 'LOW_CONFIDENCE' });
      expect(run(cand('   \n '))).toMatchObject({ action: 'rejected', reason: 'EMPTY' });
    });

    it('applies the 1,000-character limit after whitespace normalisation', () => {
      const padded = 'User notes ' + 'a'.repeat(MEMORY_MAX_CHARS - 11) + '     ';
      expect(run(cand(padded))).toMatchObject({ action: 'accepted', reason: 'NEW' });
      expect(run(cand(padded.trim() + 'b'))).toMatchObject({ action: 'rejected', reason: 'TOO_LONG' });
    });
  });

  describe('secrets stored', () => {
    it.each([
      ['an API key', 'User OpenAI key is sk-proj-Abc123def456ghi789jkl012'],
      ['a password', "User's email password is Tr0ub4dor&3"],
      ['a card number', 'User pays with card 4111 1111 1111 1111'],
      ['a token', 'User GitHub token ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ])('rejects %s as SECRET and names only the kind', (_what, content) => {
      const d = run(cand(content, { confidence: 1 }));
      expect(d).toMatchObject({ action: 'rejected', reason: 'SECRET' });
      expect(d.detail).toMatch(/^[a-z_]+$/);
    });

    it('checks tags and category too', () => {
      expect(run(cand('User deploys with a token', { tags: ['sk-abcdefghijklmnopqrstuv'] }))).toMatchObject({ reason: 'SECRET' });
    });

    it('checks secrets before anything else (a secret is never "too long" or "low confidence")', () => {
      expect(precheckCandidate(cand('password: hunter2 ' + 'x'.repeat(2000), { confidence: 0 }))).toMatchObject({ reason: 'SECRET' });
    });
  });

  describe('duplicate memories', () => {
    it('rejects a normalised-hash exact duplicate as DUPLICATE', () => {
      const existing = mem('m1', 'User likes green tea');
      expect(run(cand('The user likes  green tea.'), { exact: [existing] })).toMatchObject({ action: 'rejected', reason: 'DUPLICATE', targetId: 'm1' });
    });

    it('judges sentences without spaces by their words: a re-worded Japanese fact is a near duplicate, another fact is new', () => {
      const existing = mem('m1', 'ユーザーは東京都に住んでいます');
      expect(run(cand('ユーザーは東京都に住んでいる'), { neighbours: [existing] })).toMatchObject({ action: 'rejected', reason: 'NEAR_DUPLICATE', targetId: 'm1' });
      expect(run(cand('ユーザーは毎朝ジョギングをしています'), { neighbours: [existing] })).toMatchObject({ action: 'accepted', reason: 'NEW' });
    });

    it('rejects a candidate a stored memory already covers as NEAR_DUPLICATE', () => {
      const existing = mem('m1', 'User likes green tea with jasmine in the morning');
      expect(run(cand('User likes green tea'), { neighbours: [existing] })).toMatchObject({ action: 'rejected', reason: 'NEAR_DUPLICATE', targetId: 'm1' });
    });

    it('merges a richer candidate into the stored memory (same scope)', () => {
      const existing = mem('m1', 'User likes green tea');
      expect(run(cand('User likes green tea with jasmine'), { neighbours: [existing] })).toMatchObject({
        action: 'merged',
        reason: 'MERGED_RICHER',
        targetId: 'm1',
      });
    });

    it('never re-extracts a memory that was injected into the prompt (ALREADY_KNOWN)', () => {
      const injected = mem('m1', 'User lives in Lisbon');
      expect(run(cand('User lives in Lisbon'), { injected: [injected], exact: [injected] })).toMatchObject({ reason: 'ALREADY_KNOWN' });
      expect(run(cand('User still lives in Lisbon now'), { injected: [injected] })).toMatchObject({ reason: 'ALREADY_KNOWN', targetId: 'm1' });
    });
  });

  describe('contradictions kept side by side', () => {
    it('supersedes a single-valued fact that changed (CONTRADICTION)', () => {
      const existing = mem('m1', 'User lives in Berlin');
      expect(run(cand('User moved to Lisbon'), { neighbours: [existing] })).toMatchObject({ action: 'superseded', reason: 'CONTRADICTION', targetId: 'm1' });
    });

    it('supersedes a negated fact (CONTRADICTION)', () => {
      const existing = mem('m1', 'User drinks coffee every morning');
      expect(run(cand('User no longer drinks coffee every morning'), { neighbours: [existing] })).toMatchObject({ action: 'superseded', reason: 'CONTRADICTION' });
      expect(contradicts('User likes olives', 'User dislikes olives')).toBe(true);
      expect(contradicts('User likes olives', 'User likes capers')).toBe(false);
    });

    it('supersedes the memory the extractor names as target (UPDATED)', () => {
      const target = mem('m1', 'User uses Neovim as their editor');
      expect(run(cand('User switched to Helix as their editor', { targetId: 'm1' }), { target })).toMatchObject({
        action: 'superseded',
        reason: 'UPDATED',
        targetId: 'm1',
      });
    });

    it('keeps complementary facts side by side (no false contradiction)', () => {
      const existing = mem('m1', 'User likes hiking in the Alps');
      expect(run(cand('User likes sailing on lakes'), { neighbours: [existing] })).toMatchObject({ action: 'accepted', reason: 'NEW' });
    });
  });

  describe('memories leaking across scopes', () => {
    it('never merges a project candidate into a global memory: it becomes a project memory', () => {
      const global = mem('g1', 'User likes green tea');
      expect(run(cand('User likes green tea with jasmine', { scope: 'project' }), { projectId: 'A', neighbours: [global] })).toMatchObject({
        action: 'accepted',
        reason: 'NEW',
      });
    });

    it('a project fact that differs from a global one is kept as a project exception', () => {
      const global = mem('g1', 'User lives in Berlin');
      expect(run(cand('User lives in Lisbon', { scope: 'project' }), { projectId: 'A', neighbours: [global] })).toMatchObject({ action: 'accepted' });
    });

    it('ignores a target in another scope', () => {
      const global = mem('g1', 'The build uses npm');
      expect(run(cand('The build uses pnpm', { scope: 'project', targetId: 'g1' }), { projectId: 'A', target: global })).toMatchObject({
        action: 'accepted',
      });
    });

    it('a project candidate already covered by a global memory is a near-duplicate', () => {
      const global = mem('g1', 'User writes commit messages in English');
      expect(run(cand('User writes commit messages in English', { scope: 'project' }), { projectId: 'A', neighbours: [global] })).toMatchObject({
        reason: 'NEAR_DUPLICATE',
      });
    });

    it('rejects a project memory from a session without a project (NO_PROJECT)', () => {
      expect(run(cand('The build uses pnpm', { scope: 'project' }), { projectId: null })).toMatchObject({ action: 'rejected', reason: 'NO_PROJECT' });
    });
  });

  describe('assistant text stored as user facts', () => {
    it('rejects a candidate not grounded in the user turns (NOT_FROM_USER)', () => {
      const d = run(cand('User lives in Osaka'), { sourceText: 'Any tips for a trip to Japan?' });
      expect(d).toMatchObject({ action: 'rejected', reason: 'NOT_FROM_USER' });
    });

    it('accepts a paraphrase of what the user said', () => {
      expect(run(cand('User is moving to Lisbon next month'), { sourceText: "I'm moving to Lisbon next month!" })).toMatchObject({ action: 'accepted' });
    });
  });
});
