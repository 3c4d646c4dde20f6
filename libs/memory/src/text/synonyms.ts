import { contentTokens } from './normalise-text';

/**
 * Words people use for the same thing, and irregular forms the stemmer cannot join (bought, buy).
 * Search only: a memory and a question that use different words of one group share a concept
 * token (`syn` + the group's first token), which adds to bm25 like any other term; the exact
 * word still counts on its own, so it ranks above the synonym. The duplicate gate does not use
 * these: "moved to Lisbon" and "relocated to Lisbon" stay two texts to it.
 */
const GROUPS: readonly string[] = [
  'move moved moving relocate relocated relocating relocation',
  'job work works worked working career profession occupation employed employer employment hired hire',
  'doctor physician gp clinic dr medic',
  'dentist dental',
  'allergy allergic allergies intolerance',
  'wedding marry married marrying spouse',
  'car vehicle automobile',
  'flight plane fly flying flew airport',
  'buy bought buying purchase purchased',
  'start started starting begin began begun beginning',
  'salary pay raise wage income',
  'child children kid kids',
  'injured injury hurt broke broken fracture fractured',
  'exhausted tired weary',
  'grandmother grandma granny nan',
  'grandfather grandpa',
  'mother mum mom',
  'father dad',
  'study studying learn learning learnt learned practise practice practising',
  'lend lent borrow borrowed loan loaned',
  'quit quits quitting leave leaving left resign resigned',
  'appointment booked booking reservation',
  'run ran running race jog jogging',
  'friend mate pal buddy',
  'house home flat apartment',
  'sick ill unwell',
  'town city',
  'film movie',
  'holiday vacation',
  'picture photo',
  'sofa couch',
  'meet met meeting',
  'grow grew grown',
  'go went gone',
  'take took taken',
  'sell sold selling',
  'tell told',
  'write wrote written',
  'eat ate eaten',
  'see saw seen',
  'series show shows',
];

let table: Map<string, string> | null = null;

/** Token → concept token, built once from the groups (tokens as the tokenizer makes them). */
function concepts(): Map<string, string> {
  if (table) return table;
  table = new Map();
  for (const group of GROUPS) {
    const tokens = [...new Set(contentTokens(group))];
    const concept = 'syn' + tokens[0];
    for (const t of tokens) if (!table.has(t)) table.set(t, concept);
  }
  return table;
}

/** The concept tokens of these tokens (one per group present, in order of appearance). */
export function synonymTokens(tokens: readonly string[]): string[] {
  const map = concepts();
  const out = new Set<string>();
  for (const t of tokens) {
    const c = map.get(t);
    if (c) out.add(c);
  }
  return [...out];
}
