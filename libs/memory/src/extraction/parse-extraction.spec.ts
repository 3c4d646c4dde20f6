import { MEMORY_MAX_CHARS } from '@switchboard/protocol';
import { extractJsonList, parseExtractionResponse, toCandidate } from './parse-extraction';

const item = (content: string, extra: Record<string, unknown> = {}) => ({ content, scope: 'global', confidence: 0.9, ...extra });

describe('parseExtractionResponse', () => {
  it('reads the documented shape', () => {
    const r = parseExtractionResponse(JSON.stringify({ memories: [item('User prefers tabs over spaces', { tags: ['style'], category: 'preference' })] }));
    expect(r.outcome).toBe('ok');
    expect(r.candidates).toEqual([
      { content: 'User prefers tabs over spaces', scope: 'global', confidence: 0.9, category: 'preference', tags: ['style'], targetId: null },
    ]);
  });

  it('reads a bare array, a fenced block and JSON wrapped in prose', () => {
    const arr = JSON.stringify([item('User lives in Lisbon')]);
    for (const text of [arr, '```json\n' + arr + '\n```', 'Here you go:\n```\n' + arr + '\n```\nHope that helps!', 'Sure! ' + arr + ' Done.']) {
      expect(parseExtractionResponse(text).candidates.map((c) => c.content)).toEqual(['User lives in Lisbon']);
    }
  });

  it('repairs slightly broken JSON: trailing commas, smart quotes, truncation', () => {
    const trailing = parseExtractionResponse('{"memories": [{"content": "User owns a cat", "confidence": 0.9,},]}');
    expect(trailing).toMatchObject({ outcome: 'ok', repaired: true });
    expect(parseExtractionResponse('{“memories”: [{“content”: “User owns a cat”, “confidence”: 0.9}]}').candidates).toHaveLength(1);
    // A truncated response keeps its complete items and drops the one cut off (half a memory is not a memory).
    const truncated = parseExtractionResponse('[{"content": "User owns a cat", "confidence": 0.9}, {"content": "User has a dog named Rex", "conf');
    expect(truncated.candidates.map((c) => c.content)).toEqual(['User owns a cat']);
    const cutInString = parseExtractionResponse('{"memories":[{"content":"User owns a cat","confidence":0.95},{"content":"User speaks Portu');
    expect(cutInString.candidates.map((c) => c.content)).toEqual(['User owns a cat']);
    expect(parseExtractionResponse('{"memories":[{"content":"User speaks Portu').outcome).toBe('empty_array');
    const cutBetweenItems = parseExtractionResponse('{"memories":[{"content":"User owns a cat","confidence":0.95},');
    expect(cutBetweenItems.candidates.map((c) => c.content)).toEqual(['User owns a cat']);
  });

  it('salvages the good objects of an array it cannot repair', () => {
    const r = parseExtractionResponse('[{"content": "User owns a cat", "confidence": 0.9} {"content": broken} {"content": "User knits scarves", "confidence": 0.8}]');
    expect(r.candidates.map((c) => c.content)).toEqual(['User owns a cat', 'User knits scarves']);
  });

  it('says why a response yields nothing: empty, no array, empty array, all filtered (counts per reason)', () => {
    expect(parseExtractionResponse('   ').outcome).toBe('empty_response');
    expect(parseExtractionResponse('Echo: I live in Berlin').outcome).toBe('no_json_array');
    expect(parseExtractionResponse('{"memories": []}').outcome).toBe('empty_array');
    const filtered = parseExtractionResponse(
      JSON.stringify([
        item('User is fine', { confidence: 0.2 }),
        item('x'.repeat(MEMORY_MAX_CHARS + 1)),
        item('My password is hunter2'),
        item('User asked about the weather'),
        42,
        { nope: true },
        item('   '),
      ]),
    );
    expect(filtered.outcome).toBe('all_filtered');
    expect(filtered.found).toBe(7);
    expect(filtered.dropped).toEqual({ LOW_CONFIDENCE: 1, TOO_LONG: 1, SECRET: 1, JUNK: 1, INVALID: 2, EMPTY: 1 });
    expect(filtered.rejected).toHaveLength(5);
  });

  it('applies the length limit exactly at MEMORY_MAX_CHARS, like the gate', () => {
    const at = 'User notes ' + 'a'.repeat(MEMORY_MAX_CHARS - 11);
    expect(at).toHaveLength(MEMORY_MAX_CHARS);
    expect(parseExtractionResponse(JSON.stringify([item(at)])).candidates).toHaveLength(1);
    expect(parseExtractionResponse(JSON.stringify([item(at + 'b')])).dropped).toEqual({ TOO_LONG: 1 });
  });

  it('normalises loose fields: percent confidence, comma tags, target aliases, unknown scope', () => {
    expect(toCandidate({ memory: 'User likes jazz', confidence: 85, tags: 'music, jazz', target_id: 'abc', scope: 'user' })).toEqual({
      content: 'User likes jazz',
      scope: 'global',
      confidence: 0.85,
      category: null,
      tags: ['music', 'jazz'],
      targetId: 'abc',
    });
    expect(toCandidate('User likes jazz')?.content).toBe('User likes jazz');
    expect(toCandidate(null)).toBeNull();
  });

  it('finds no list in prose without JSON', () => {
    expect(extractJsonList('I could not find any memories.').items).toBeNull();
  });
});
