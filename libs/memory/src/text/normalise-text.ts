/**
 * The one tokenizer of libs/memory: the gate's hashes and similarity, the full-text index and
 * its queries all use it, so "the same words" means the same thing everywhere.
 */

// Function words and words every memory shares ("user", "project"): they carry no meaning for
// matching. Negations (no, not, never) are deliberately absent: they flip a fact.
const STOPWORDS = new Set(
  (
    'a an the and or but if then so of to in on at by for with about as from into onto over under after before between through ' +
    'during is am are was were be been being has have had having do does did doing i me my mine myself we us our ours you your ' +
    'yours he him his she her hers it its they them their theirs this that these those there here what which who whom whose when ' +
    'where why how will would shall should can could may might must also just very really quite some any all each every both ' +
    'few more most other such than too s t re ve ll d m o up out off please tell remember note user users project projects ' +
    'someone something thing things one ones currently actually always usually often generally etc via per now still again already yet even'
  ).split(' '),
);

// French, German and Spanish articles, pronouns, prepositions and question words (after folding).
// Words that are also English content words (die, hat, son, bin, mon) are left out; negations stay.
const EUROPEAN_STOPWORDS = new Set(
  (
    'le la les un une des du de au aux et est ce cet cette ces que qui quel quelle quels quelles je tu il elle nous vous ils elles ' +
    'mes tes ses notre nos votre vos leur leurs dans avec pour par sur chez ou quand comment pourquoi ai as avons avez ont suis es sommes etes sont ' +
    'der das den dem des und ist ich du er sie es wir ihr sind nach im zu mit von ein eine einen einem einer mein meine meinen unser unsere ' +
    'wie wann wo welche welcher welches wer warum habe haben bei aus auf fur uber ' +
    'el los las del y es yo mi mis tu su sus por para con que como cuando donde quien esta estoy'
  ).split(' '),
);

// The same for the segmented scripts: pronouns, particles, copulas and question words that every sentence has.
const CJK_STOPWORDS = new Set(
  (
    '我 你 他 她 的 了 是 在 吗 呢 吧 和 也 都 就 很 什么 谁 哪 哪个 怎么 多少 几 我的 一个 ' +
    'の に は を が で と も て た だ です ます でした ました いる います ある あります する して した から まで 私 何 いつ どこ 誰 ' +
    '나 나는 내 내가 저 저는 제 뭐 뭐야 무슨 언제 어디 누구 있어요 해요 ' +
    'ฉัน ของ คือ ที่ อะไร ไหน เมื่อไหร่ ใคร และ ไป มา ได้ จะ'
  ).split(' '),
);

// Words that make a message pleasant but carry no fact ("ok thanks!").
const PLEASANTRIES = new Set(
  ['ok', 'okay', 'thanks', 'thank', 'thx', 'yes', 'yeah', 'yep', 'hi', 'hello', 'hey', 'bye', 'cool', 'great', 'nice', 'sure', 'fine', 'good', 'lol', 'awesome', 'perfect'].map(
    (w) => stem(w),
  ),
);

/** The content tokens of a text that could carry a fact (pleasantries like "ok", "thanks" removed). */
export function factTokens(text: string): string[] {
  return contentTokens(text).filter((t) => !PLEASANTRIES.has(t));
}

/** Lower-cases, folds accents and expands contractions (`doesn't` → `does not`). */
export function foldText(text: string): string {
  return (
    text
      .normalize('NFKD')
      // Accents are folded on alphabets where they are decoration (é → e); in Thai, Devanagari or
      // kana the marks are letters, and Hangul must recompose, hence NFC after.
      .replace(/([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])\p{M}+/gu, '$1')
      .normalize('NFC')
      .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/\bcan't\b/g, 'can not')
    .replace(/\bwon't\b/g, 'will not')
    .replace(/n't\b/g, ' not')
      .replace(/'(s|m|re|ve|ll|d)\b/g, '')
  );
}

/** Collapses runs of whitespace and trims: how memory content is stored and measured. */
export function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Words of a text (folded, split on anything that is not a letter or digit), stopwords kept. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const chunk of foldText(text).split(/[^\p{L}\p{M}\p{N}]+/u)) {
    if (chunk.length === 0) continue;
    if (!UNSPACED.test(chunk)) {
      out.push(chunk);
      continue;
    }
    // Scripts written without spaces: a dictionary segmenter finds the words (東京都に住んでいます → 東京|都|に|住|んで|い|ます).
    for (const seg of segmenter().segment(chunk)) if (seg.isWordLike) out.push(hangulStem(seg.segment));
  }
  return out;
}

/** Han, kana, Hangul, Thai, Lao, Khmer, Myanmar: no spaces between words (or, in Korean, particles glued to them). */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

let wordSegmenter: Intl.Segmenter | null = null;
/** One segmenter for all languages: ICU picks its dictionary by script, not by locale. */
function segmenter(): Intl.Segmenter {
  return (wordSegmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' }));
}

// Korean glues particles to the noun (서울에서 = 서울 + 에서): the commonest are cut so the noun matches.
// Verb endings too (이사했어요, 이사했지 → 이사), and the polite 요 last.
const HANGUL_PARTICLES = [
  '했습니다', '했어요', '합니다', '에서는', '했어', '했지', '했다', '해요', '하는', '에서', '에게', '으로', '이에요', '예요', '이다',
  '은', '는', '이', '가', '을', '를', '의', '에', '로', '와', '과', '도', '만', '씨', '요',
];
function hangulStem(word: string): string {
  if (!/^\p{Script=Hangul}+$/u.test(word)) return word;
  for (const p of HANGUL_PARTICLES) if (word.length > p.length + 1 && word.endsWith(p)) return word.slice(0, -p.length);
  return word;
}

/** A light English stemmer: consistent, not linguistically perfect (`likes`, `liked`, `liking` → `lik`). */
export function stem(word: string): string {
  let w = word;
  if (/^\p{N}+$/u.test(w) || w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w) && w.length > 3) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length - 3 >= 3) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length - 2 >= 2) w = w.slice(0, -2);
  if (w.endsWith('e') && w.length >= 3) w = w.slice(0, -1);
  if (/([b-df-hj-kmnp-rtv-y])\1$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('y') && w.length >= 3) w = w.slice(0, -1) + 'i';
  return w;
}

/** The meaningful tokens of a text, in order: stopwords dropped, stemmed, at most 64 characters each. */
export function contentTokens(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (STOPWORDS.has(w) || EUROPEAN_STOPWORDS.has(w) || CJK_STOPWORDS.has(w)) continue;
    // One letter is a word in Han (猫, 雨), noise elsewhere (a stray "x", a kana particle).
    if (w.length < 2 && !/^[\p{N}\p{Script=Han}]$/u.test(w)) continue;
    // "14th" is the 14 of "14 March".
    const ordinal = /^(\d{1,4})(?:st|nd|rd|th)$/.exec(w);
    out.push(ordinal ? ordinal[1] : stem(w.slice(0, 64)));
  }
  return out;
}

/** The normalised form whose hash identifies exact duplicates ("The user likes tea." = "user likes tea"). */
export function normalisedForm(text: string): string {
  return contentTokens(text).join(' ');
}

/** A 64-bit FNV-1a hash (hex) of the normalised form: the exact-duplicate key. */
export function contentHash(text: string): string {
  const form = normalisedForm(text);
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  for (let i = 0; i < form.length; i++) {
    h ^= BigInt(form.charCodeAt(i));
    h = (h * prime) & mask;
  }
  return h.toString(16).padStart(16, '0');
}
