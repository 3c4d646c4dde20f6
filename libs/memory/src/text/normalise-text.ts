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
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/\bcan't\b/g, 'can not')
    .replace(/\bwon't\b/g, 'will not')
    .replace(/n't\b/g, ' not')
    .replace(/'(s|m|re|ve|ll|d)\b/g, '');
}

/** Collapses runs of whitespace and trims: how memory content is stored and measured. */
export function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Words of a text (folded, split on anything that is not a letter or digit), stopwords kept. */
export function words(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
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
    if (STOPWORDS.has(w)) continue;
    if (w.length < 2 && !/^\p{N}$/u.test(w)) continue;
    out.push(stem(w.slice(0, 64)));
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
