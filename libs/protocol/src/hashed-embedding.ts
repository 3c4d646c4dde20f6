/**
 * A deterministic text embedding with no model behind it: what the fake LLM serves on
 * `/v1/embeddings` (its contract, kept here so the fake LLM, the models' tests and the memory
 * bench share it without a dependency cycle) and what the memory bench's "fake embedding model"
 * row uses. It is not a
 * language model and understands nothing; it makes texts that share meaning-bearing features land
 * near each other, so paraphrases are findable the way a real embedding model finds them:
 *
 * - words, folded (lower case, Latin/Greek/Cyrillic accents dropped), English stop words and question words dropped,
 *   crudely stemmed (plural, -ing, -ed, -ly, -ies): "moved" and "moving" are one feature;
 * - character trigrams of every word ("#pho", "phot", ...: inflections, compounds and gendered
 *   endings share most of them), at a quarter of a word's weight;
 * - a small table of general-purpose synonym groups ("car", "automobile", "vehicle"), each group
 *   one more feature;
 * - Chinese, Japanese, Korean and Thai runs, written without spaces, as character unigrams and bigrams.
 *
 * Each feature adds its weight, with a hashed sign, to two hashed dimensions (the hashing trick);
 * the sum is L2-normalised. Cosine similarity then tracks the weighted feature overlap.
 */

/** The dimension served when a request names none. */
export const HASHED_EMBEDDING_DIMENSIONS = 512;

const STOP_WORDS = new Set(
  (
    'a an the and or but if of at by for with about against between into through during before after above below to from up down in out on off over under ' +
    'again further then once here there all any both each few more most other some such no nor not only own same so than too very can will just should now ' +
    'i me my myself we our ours you your yours he him his she her hers it its they them their what which who whom this that these those am is are was were ' +
    'be been being have has had having do does did doing would could might must shall may also ever still yet when where why how whose'
  ).split(' '),
);

/** General synonym groups (not written for any evaluation set): each group is one extra feature. */
const SYNONYM_GROUPS: readonly string[] = [
  'car automobile vehicle auto',
  'buy purchase acquire bought',
  'job work occupation employment career profession position role',
  'house home apartment flat residence place',
  'doctor physician medic gp',
  'child kid son daughter',
  'film movie cinema picture',
  'begin start commence launch',
  'end finish stop complete conclude quit',
  'big large huge enormous',
  'small little tiny',
  'fast quick rapid speedy',
  'happy glad pleased delighted',
  'sad unhappy upset',
  'like enjoy love fond prefer favourite favorite',
  'dislike hate loathe detest',
  'talk speak say tell chat',
  'study learn course class school university college',
  'teacher tutor instructor professor',
  'travel trip journey vacation holiday visit tour',
  'live reside stay dwell',
  'move relocate relocation',
  'city town',
  'country nation',
  'food meal dish cuisine',
  'eat dine',
  'drink beverage',
  'pet dog cat puppy kitten',
  'sick ill unwell illness disease',
  'hurt injure injury pain',
  'money cash fund salary pay income',
  'cost price expensive cheap',
  'wife husband spouse partner',
  'mother mom mum father dad parent',
  'friend buddy pal mate',
  'boss manager supervisor',
  'colleague coworker teammate',
  'exercise workout training gym fitness',
  'run jog',
  'book novel read',
  'music song band concert',
  'phone mobile smartphone',
  'computer laptop pc',
  'meeting appointment call',
  'birthday anniversary',
  'gift present',
  'wedding marriage married',
  'allergy allergic intolerance',
  'vegetarian vegan',
  'garden yard',
  'week weekly',
  'month monthly',
  'year annual yearly',
  'morning breakfast',
  'evening night dinner',
  'hobby pastime interest',
  'language speak fluent',
  'project task assignment',
  'plan schedule intend',
  'help assist support',
  'fix repair',
  'problem issue trouble bug',
  'sell sold',
  'rent lease',
  'hospital clinic',
  'medicine medication drug pill',
  'bike bicycle cycle',
  'plane flight fly airline',
  'train rail railway',
  'ship boat sail cruise',
];

const SYNONYM_OF = new Map<string, string>();
for (const [i, group] of SYNONYM_GROUPS.entries()) for (const word of group.split(' ')) if (!SYNONYM_OF.has(stem(word))) SYNONYM_OF.set(stem(word), `s${i}`);

/** Scripts written without spaces between words: read as characters and pairs. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

/** A crude English stemmer: enough that inflections of one word meet. */
function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith('ly')) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith('es') && /(?:ss|sh|ch|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  // "moving" → "mov", "moved" → "mov", "move" → "mov": a trailing e goes too.
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  // "stopped" → "stopp" → "stop"
  if (w.length > 3 && w.at(-1) === w.at(-2) && !/[aeiouls]/.test(w.at(-1)!)) w = w.slice(0, -1);
  return w;
}

/** The weighted features of a text. */
export function hashedEmbeddingFeatures(text: string): Map<string, number> {
  const features = new Map<string, number>();
  const add = (f: string, w: number) => features.set(f, (features.get(f) ?? 0) + w);
  const folded = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .toLowerCase();
  for (const token of folded.split(/[^\p{L}\p{N}]+/u)) {
    if (!token) continue;
    if (UNSPACED.test(token)) {
      const chars = [...token];
      chars.forEach((c, i) => {
        add(`c:${c}`, 0.5);
        if (i + 1 < chars.length) add(`b:${c}${chars[i + 1]}`, 1);
      });
      continue;
    }
    if (STOP_WORDS.has(token)) continue;
    const s = stem(token);
    add(`w:${s}`, 1);
    const group = SYNONYM_OF.get(s);
    if (group) add(`s:${group}`, 1);
    if (token.length >= 4) {
      const padded = `#${token}#`;
      for (let i = 0; i + 3 <= padded.length; i++) add(`g:${padded.slice(i, i + 3)}`, 0.25);
    }
  }
  return features;
}

/** FNV-1a over UTF-16 code units: a feature's seed. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The embedding of a text: `dimensions` numbers, unit length (all zeros for a text with no features). */
export function hashedEmbedding(text: string, dimensions = HASHED_EMBEDDING_DIMENSIONS): number[] {
  if (!Number.isSafeInteger(dimensions) || dimensions < 1 || dimensions > 8192) throw new RangeError(`dimensions must be 1..8192, got ${dimensions}`);
  const out = new Float64Array(dimensions);
  for (const [feature, weight] of hashedEmbeddingFeatures(text)) {
    // Two signed slots per feature (the hashing trick): texts share a slot's mass only through a
    // shared feature or a rare collision, so cosine similarity tracks feature overlap.
    const h = fnv1a(feature);
    const g = fnv1a(`${feature}\u0001`);
    out[h % dimensions] += (h >>> 31 ? 1 : -1) * weight;
    out[g % dimensions] += (g >>> 31 ? 1 : -1) * weight;
  }
  let norm = 0;
  for (const v of out) norm += v * v;
  norm = Math.sqrt(norm);
  return Array.from(out, (v) => (norm === 0 ? 0 : Math.round((v / norm) * 1e6) / 1e6));
}
