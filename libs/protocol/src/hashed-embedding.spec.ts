import { HASHED_EMBEDDING_DIMENSIONS, hashedEmbedding, hashedEmbeddingFeatures } from './hashed-embedding';

const cosine = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('hashedEmbedding (the fake embedding model)', () => {
  it('is deterministic, unit length and of the asked size', () => {
    const v = hashedEmbedding('My sister adopted a dog');
    expect(v).toHaveLength(HASHED_EMBEDDING_DIMENSIONS);
    expect(hashedEmbedding('My sister adopted a dog')).toEqual(v);
    expect(Math.abs(cosine(v, v) - 1)).toBeLessThan(1e-4);
    expect(hashedEmbedding('hello', 64)).toHaveLength(64);
    expect(hashedEmbedding('the of and', 32).every((x) => x === 0)).toBe(true);
    expect(() => hashedEmbedding('x', 0)).toThrow(RangeError);
  });

  it('puts paraphrases (inflections, synonym groups, word pieces) nearer than unrelated text', () => {
    const fact = hashedEmbedding('I bought a new car last spring');
    const paraphrase = hashedEmbedding('When did I purchase my automobile?');
    const unrelated = hashedEmbedding('Which programming language does Ana use at work?');
    expect(cosine(fact, paraphrase)).toBeGreaterThan(cosine(fact, unrelated) + 0.1);
    const moved = hashedEmbedding('We moved to Lisbon');
    expect(cosine(moved, hashedEmbedding('moving to Lisbon'))).toBeGreaterThan(0.8);
    // German compounds share character trigrams with their parts.
    expect(cosine(hashedEmbedding('Fahrradreparatur'), hashedEmbedding('Fahrrad'))).toBeGreaterThan(cosine(hashedEmbedding('Fahrradreparatur'), hashedEmbedding('Kuchen')));
  });

  it('reads unspaced scripts as characters and pairs, and folds accents', () => {
    expect([...hashedEmbeddingFeatures('我喜欢猫').keys()]).toEqual(expect.arrayContaining(['c:猫', 'b:欢猫']));
    expect(hashedEmbedding('café')).toEqual(hashedEmbedding('CAFE'));
  });
});
