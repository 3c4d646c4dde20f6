import { contentHash, contentTokens, normalisedForm, stem } from './normalise-text';
import { grounding, textOverlap } from './similarity';
import { slotOf, slotsConflict, slotToken } from './slots';

describe('normalisation', () => {
  it('stems word forms to one token', () => {
    expect(new Set(['likes', 'liked', 'liking', 'like'].map(stem))).toEqual(new Set(['lik']));
    expect(stem('preferred')).toBe(stem('prefers'));
    expect(stem('studies')).toBe(stem('studied'));
    expect(stem('42')).toBe('42');
  });

  it('drops stopwords but keeps negations, folding accents and contractions', () => {
    // "au" is a French function word, dropped like "the".
    expect(contentTokens("The user doesn't like Café au lait")).toEqual(['not', 'lik', 'caf', 'lait']);
    expect(contentTokens("Je n'aime pas le café")).toEqual(['aim', 'pas', 'caf']);
    expect(contentTokens('I never drink coffee')).toContain('never');
  });

  it('gives equal hashes to texts that differ only in form', () => {
    expect(contentHash('The user likes green tea.')).toBe(contentHash('  user LIKES green   tea '));
    expect(contentHash('User likes green tea')).not.toBe(contentHash('User does not like green tea'));
    expect(normalisedForm('User likes tea')).toBe('lik tea');
    expect(contentHash('x')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('scripts written without spaces', () => {
  it('segments Chinese, Japanese and Thai into words and cuts Korean particles', () => {
    expect(contentTokens('東京都に住んでいます')).toEqual(expect.arrayContaining(['東京', '住']));
    expect(contentTokens('我上个月搬到了成都')).toEqual(expect.arrayContaining(['搬到', '成都']));
    expect(contentTokens('저는 서울에서 살아요')).toContain('서울');
    expect(contentTokens('ฉันย้ายไปเชียงใหม่')).toEqual(['ย้าย', 'เชียงใหม่']);
  });

  it('keeps marks that are letters (Thai vowels, Japanese voicing) and still folds Latin accents', () => {
    expect(contentTokens('แมวของฉันชื่อส้มโอ').join('')).toContain('ส้มโอ');
    expect(contentTokens('ギター')).toEqual(['ギター']);
    expect(contentTokens('Lübeck Café')).toEqual(['lubeck', 'caf']);
  });

  it('gives a sentence and its re-punctuated, re-spaced copy one hash, and another sentence another', () => {
    expect(contentHash('私は東京都に住んでいます。')).toBe(contentHash('私は 東京都に 住んでいます'));
    expect(contentHash('私は東京都に住んでいます。')).not.toBe(contentHash('私は大阪に住んでいます。'));
    expect(contentHash('我对花生过敏')).not.toBe(contentHash('我对虾过敏'));
  });

  it('reads an ordinal as its number, so "March 14th" matches "14 March"', () => {
    expect(contentTokens('on March 14th')).toEqual(['march', '14']);
  });
});

describe('token similarity', () => {
  it('measures overlap and containment', () => {
    const ov = textOverlap('User likes tea', 'User likes green tea');
    expect(ov.jaccard).toBeCloseTo(2 / 3);
    expect(ov.aInB).toBe(1);
    expect(ov.bInA).toBeCloseTo(2 / 3);
    expect(ov.onlyB).toEqual(['green']);
  });

  it('measures grounding of a statement in the user text', () => {
    expect(grounding('User lives in Lisbon', 'I moved and now I live in Lisbon')).toBe(1);
    expect(grounding('User lives in Osaka', 'Any tips for a trip to Japan?')).toBe(0);
  });
});

describe('slots', () => {
  it('reads single-valued facts', () => {
    expect(slotOf('User lives in Berlin.')).toEqual({ key: 'residence', value: 'berlin' });
    expect(slotOf('User moved to Paris last year')).toEqual({ key: 'residence', value: 'paris' });
    expect(slotOf("User's favourite programming language is Rust")).toEqual({ key: 'favourite:program languag', value: 'rust' });
    expect(slotOf('User likes hiking')).toBeNull();
  });

  it('conflicts only on the same slot with another value', () => {
    expect(slotsConflict('User lives in Berlin', 'User moved to Paris')).toBe(true);
    expect(slotsConflict('User lives in Berlin', 'User lives in Berlin with two cats')).toBe(false);
    expect(slotsConflict('Favourite food is sushi', 'Favourite language is Rust')).toBe(false);
    expect(slotToken('User moved to Paris')).toBe(slotToken('User lives in Berlin'));
  });
});
