import type { NewMemoryInput } from '../store/memory.store';

/** A small deterministic PRNG (mulberry32), so every bench run stores the same corpus. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Vocabulary shared with the fixtures on purpose (cities, tools, foods, languages): distractors compete.
const NAMES = 'Ana Bruno Carla Diego Elena Farid Greta Hugo Ines Jonas Kira Luca Mara Nils Olga Pedro Quinn Rosa Sven Tara Umar Vera Wim Xena Yusuf Zoe'.split(' ');
const CITIES = 'Porto Lisbon Berlin Madrid Paris Vienna Prague Oslo Dublin Rome Milan Lyon Seville Krakow Tallinn Riga Athens Zurich Ghent Utrecht'.split(' ');
const FOODS = 'sushi ramen tacos curry pizza falafel pho paella risotto dumplings bagels croissants peanuts oatmeal'.split(' ');
const DRINKS = 'coffee tea matcha kombucha espresso cider lemonade'.split(' ');
const TOOLS = 'Neovim Helix Emacs VS Code IntelliJ Zed pnpm npm yarn Vitest Jest Playwright Cypress cargo clap nextest Docker Kubernetes Terraform Vercel Netlify Postgres Redis Kafka Grafana'.split(' ');
const LANGS = 'Rust Zig Python Go TypeScript Kotlin Swift Elixir Haskell OCaml Java Ruby'.split(' ');
const HOBBIES = 'climbing chess gardening pottery cycling sailing photography knitting baking surfing birdwatching woodworking'.split(' ');
const TOPICS = 'history astronomy economics poetry architecture genetics jazz philosophy geology typography'.split(' ');
const WEEKDAYS = 'Mondays Tuesdays Wednesdays Thursdays Fridays Saturdays Sundays'.split(' ');
const COMPONENTS = 'billing search auth gateway scheduler reporting ingestion notifications export importer'.split(' ');
const RELATIONS = 'friend colleague sister brother neighbour manager cousin mentor'.split(' ');

const GLOBAL_TEMPLATES: Array<(r: () => number) => string> = [
  (r) => `User's ${pick(r, RELATIONS)} ${pick(r, NAMES)} lives in ${pick(r, CITIES)}`,
  (r) => `User's ${pick(r, RELATIONS)} ${pick(r, NAMES)} prefers ${pick(r, FOODS)} for lunch`,
  (r) => `User enjoys ${pick(r, HOBBIES)} with ${pick(r, NAMES)} on ${pick(r, WEEKDAYS)}`,
  (r) => `User read a book about ${pick(r, TOPICS)} recommended by ${pick(r, NAMES)}`,
  (r) => `User visited ${pick(r, CITIES)} in ${2005 + Math.floor(r() * 20)} and liked the ${pick(r, FOODS)}`,
  (r) => `User's ${pick(r, RELATIONS)} ${pick(r, NAMES)} drinks ${pick(r, DRINKS)} and codes in ${pick(r, LANGS)}`,
  (r) => `User has a ${pick(r, TOPICS)} podcast episode about ${pick(r, CITIES)} saved for later`,
  (r) => `User wants to try ${pick(r, HOBBIES)} in ${pick(r, CITIES)} next ${pick(r, ['spring', 'summer', 'autumn', 'winter'])}`,
  (r) => `${pick(r, NAMES)} gifted the user a ${pick(r, TOPICS)} book for their birthday`,
  (r) => `User keeps notes on ${pick(r, TOPICS)} and ${pick(r, HOBBIES)} in ${pick(r, ['Obsidian', 'Notion', 'Logseq', 'paper notebooks'])}`,
];

const PROJECT_TEMPLATES: Array<(r: () => number) => string> = [
  (r) => `The ${pick(r, COMPONENTS)} service uses ${pick(r, TOOLS)} ${1 + Math.floor(r() * 9)}.${Math.floor(r() * 20)}`,
  (r) => `${pick(r, NAMES)} owns the ${pick(r, COMPONENTS)} module written in ${pick(r, LANGS)}`,
  (r) => `The ${pick(r, COMPONENTS)} tests run with ${pick(r, TOOLS)} in CI on ${pick(r, WEEKDAYS)}`,
  (r) => `The ${pick(r, COMPONENTS)} team deploys with ${pick(r, TOOLS)} to ${pick(r, CITIES)} region servers`,
  (r) => `Bug reports about ${pick(r, COMPONENTS)} go to ${pick(r, NAMES)} before release ${1 + Math.floor(r() * 30)}`,
  (r) => `The ${pick(r, COMPONENTS)} code style follows the ${pick(r, LANGS)} community guide`,
];

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)];
}

export const SYNTHETIC_PROJECTS = Array.from({ length: 200 }, (_, i) => (i === 0 ? 'alpha' : i === 1 ? 'beta' : `proj-${String(i).padStart(3, '0')}`));

/** Who a personal distractor belongs to: the owner (half), everyone (a quarter), other people and group chats (the rest). */
function personalOwner(r: () => number): Pick<NewMemoryInput, 'scope' | 'projectId' | 'personId' | 'groupId'> {
  const u = r();
  if (u < 0.25) return { scope: 'global', projectId: null };
  if (u < 0.75) return { scope: 'person', projectId: null, personId: 'owner' };
  if (u < 0.9) return { scope: 'person', projectId: null, personId: `member-${Math.floor(r() * 20)}` };
  return { scope: 'group', projectId: null, groupId: `telegram:-100${Math.floor(r() * 10)}` };
}

/**
 * `count` plausible distractor memories: 35% personal facts (the owner's, shared, other people's
 * and group chats'), the rest spread over 200 projects (alpha and beta among them).
 */
export function syntheticMemories(count: number, seed = 42): NewMemoryInput[] {
  const r = prng(seed);
  const out: NewMemoryInput[] = [];
  for (let i = 0; i < count; i++) {
    const personal = r() < 0.35;
    const content = personal ? pick(r, GLOBAL_TEMPLATES)(r) : pick(r, PROJECT_TEMPLATES)(r);
    out.push({
      content: `${content} (#${i})`,
      ...(personal ? personalOwner(r) : { scope: 'project', projectId: pick(r, SYNTHETIC_PROJECTS) }),
      category: null,
      tags: [],
      confidence: Math.round((0.6 + r() * 0.4) * 100) / 100,
      source: 'extracted',
      // Extracted memories name their session, a few in a row each: retrieval then reads the
      // neighbours of its hits, as it does in production, and the latency includes that.
      sourceSessionId: `synthetic-${Math.floor(i / 6)}`,
      sourceMessageId: null,
    });
  }
  return out;
}

/** Natural-ish queries over the synthetic vocabulary, each with a project (or none). */
export function syntheticQueries(count: number, seed = 7): Array<{ project: string | null; text: string }> {
  const r = prng(seed);
  const shapes: Array<(r: () => number) => string> = [
    (r) => `What does ${pick(r, NAMES)} think about ${pick(r, TOPICS)}?`,
    (r) => `Plan a weekend in ${pick(r, CITIES)} with ${pick(r, HOBBIES)}`,
    (r) => `Why is the ${pick(r, COMPONENTS)} service slow after the ${pick(r, TOOLS)} upgrade?`,
    (r) => `Recommend ${pick(r, FOODS)} places and ${pick(r, DRINKS)} nearby`,
    (r) => `How do I migrate ${pick(r, COMPONENTS)} from ${pick(r, LANGS)} to ${pick(r, LANGS)}?`,
    (r) => `Any ${pick(r, TOPICS)} books like the one from ${pick(r, NAMES)}?`,
  ];
  return Array.from({ length: count }, () => ({ project: r() < 0.3 ? null : pick(r, SYNTHETIC_PROJECTS), text: pick(r, shapes)(r) }));
}
