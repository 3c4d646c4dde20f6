import type { GateAction, GateReason } from '../memory.types';

/**
 * The labelled evaluation set of libs/memory: short conversations with the gold facts they
 * should leave in memory, what a (scripted) extraction model answers, and the gate decision
 * expected for each candidate. Two projects (alpha: a TypeScript web app, beta: a Rust CLI),
 * duplicates, contradictions, assistant-only "facts", junk and planted secrets. Conversations
 * run in order: later ones build on what earlier ones stored.
 */

export type ExpectedDecision = `${GateAction}:${GateReason}`;

export interface FixtureCandidate {
  content: string;
  scope?: 'global' | 'project';
  confidence?: number;
  /** The scripted model names as target the shown memory with this content (only if it was shown). */
  target?: string;
  expect: ExpectedDecision;
}

/** How the scripted model wraps its answer (real models do all of these). */
export type ResponseFormat = 'json' | 'fenced' | 'prose' | 'bare-array' | 'trailing-comma' | 'truncated' | 'no-json';

export interface FixtureConversation {
  id: string;
  project: 'alpha' | 'beta' | null;
  /** [user, assistant] turns, processed as one debounced batch */
  turns: Array<[string, string]>;
  format: ResponseFormat;
  candidates: FixtureCandidate[];
  /** Facts that must be remembered (active, in the conversation's scope) once it has been processed. */
  gold: string[];
  /** Secrets planted in the conversation: they must never be stored or logged. */
  secrets?: string[];
}

export interface FixtureQuery {
  project: 'alpha' | 'beta' | null;
  text: string;
  /** The memory that must be among the top 5 retrieved. */
  expect: string;
}

const g = (content: string, expect: ExpectedDecision, extra: Partial<FixtureCandidate> = {}): FixtureCandidate => ({ content, expect, ...extra });
const p = (content: string, expect: ExpectedDecision, extra: Partial<FixtureCandidate> = {}): FixtureCandidate => ({ content, expect, scope: 'project', ...extra });

export const FIXTURE_CONVERSATIONS: FixtureConversation[] = [
  {
    id: 'c01-intro',
    project: null,
    turns: [["Hi! I'm Dana, I live in Lisbon and I work as a nurse.", 'Nice to meet you, Dana! How can I help today?']],
    format: 'json',
    candidates: [g("User's name is Dana", 'accepted:NEW'), g('User lives in Lisbon', 'accepted:NEW'), g('User works as a nurse', 'accepted:NEW')],
    gold: ["User's name is Dana", 'User lives in Lisbon', 'User works as a nurse'],
  },
  {
    id: 'c02-vegetarian',
    project: null,
    turns: [["Can you suggest a dinner? I'm vegetarian, I don't eat meat at all.", 'Try a chickpea curry! Since you love spicy food, add chili.']],
    format: 'fenced',
    candidates: [
      g('User is vegetarian and does not eat meat', 'accepted:NEW'),
      g('User loves spicy food', 'rejected:NOT_FROM_USER'),
      g('User asked for a dinner suggestion', 'rejected:JUNK'),
    ],
    gold: ['User is vegetarian and does not eat meat'],
  },
  {
    id: 'c03-style',
    project: null,
    turns: [['Please keep it brief: I prefer short answers without emojis.', 'Understood.']],
    format: 'prose',
    candidates: [g('User prefers short answers without emojis', 'accepted:NEW', { confidence: 0.95 })],
    gold: ['User prefers short answers without emojis'],
  },
  {
    id: 'c04-nothing',
    project: null,
    turns: [['What is the capital of Australia?', 'Canberra.']],
    format: 'json',
    candidates: [],
    gold: [],
  },
  {
    id: 'c05-wifi-secret',
    project: null,
    turns: [['My wifi password is sunshine42, can you keep it for me?', "I'd rather not store passwords; use a password manager."]],
    format: 'json',
    candidates: [g("User's wifi password is sunshine42", 'rejected:SECRET'), g('User wants the assistant to keep the wifi password', 'rejected:JUNK')],
    gold: [],
    secrets: ['sunshine42'],
  },
  {
    id: 'c06-editor',
    project: null,
    turns: [['I use Neovim as my editor, with the Catppuccin theme.', 'Great combo.']],
    format: 'bare-array',
    candidates: [g('User uses Neovim as their editor', 'accepted:NEW'), g('User uses the Catppuccin theme in Neovim', 'accepted:NEW')],
    gold: ['User uses Neovim as their editor', 'User uses the Catppuccin theme in Neovim'],
  },
  {
    id: 'c07-moved',
    project: null,
    turns: [['Big news: I moved to Porto last month!', 'Congratulations on the move!']],
    format: 'json',
    candidates: [g('User lives in Porto', 'superseded:UPDATED', { target: 'User lives in Lisbon' })],
    gold: ['User lives in Porto'],
  },
  {
    id: 'c08-editor-switch',
    project: null,
    turns: [['I switched from Neovim to Helix as my editor.', 'Helix has great defaults.']],
    format: 'json',
    candidates: [g('User uses Helix as their editor', 'superseded:UPDATED', { target: 'User uses Neovim as their editor' })],
    gold: ['User uses Helix as their editor'],
  },
  {
    id: 'c09-age',
    project: null,
    turns: [['I am 34 years old, is it too late to start running?', 'Not at all!']],
    format: 'json',
    candidates: [g('User is 34 years old', 'accepted:NEW'), g('User wants to know if it is too late to start running', 'rejected:JUNK')],
    gold: ['User is 34 years old'],
  },
  {
    id: 'c10-restated',
    project: null,
    turns: [["As I said, I'm vegetarian, so no meat for me.", 'Noted, no meat.']],
    format: 'json',
    candidates: [g('User is vegetarian and does not eat meat', 'rejected:ALREADY_KNOWN')],
    gold: ['User is vegetarian and does not eat meat'],
  },
  {
    id: 'c11-coffee',
    project: null,
    turns: [['I drink coffee every morning before work.', 'A classic.']],
    format: 'json',
    candidates: [g('User drinks coffee every morning', 'accepted:NEW')],
    gold: ['User drinks coffee every morning'],
  },
  {
    id: 'c12-coffee-richer',
    project: null,
    turns: [['Oh and I take my morning coffee with oat milk.', 'Oat milk froths nicely.']],
    format: 'trailing-comma',
    candidates: [g('User drinks coffee every morning with oat milk', 'merged:MERGED_RICHER')],
    gold: ['User drinks coffee every morning with oat milk'],
  },
  {
    id: 'c13-coffee-quit',
    project: null,
    turns: [["I quit coffee last week, I don't drink coffee anymore.", 'Good luck with the withdrawal!']],
    format: 'json',
    candidates: [g('User no longer drinks coffee', 'superseded:UPDATED', { target: 'User drinks coffee every morning with oat milk' })],
    gold: ['User no longer drinks coffee'],
  },
  {
    id: 'c14-favourite-lang',
    project: null,
    turns: [['My favourite programming language is Rust.', 'Rust is great for systems work.']],
    format: 'json',
    candidates: [g("User's favourite programming language is Rust", 'accepted:NEW')],
    gold: ["User's favourite programming language is Rust"],
  },
  {
    id: 'c15-favourite-changed',
    project: null,
    turns: [['Honestly, these days my favourite programming language is Zig.', 'Zig is fun.']],
    format: 'json',
    // The model missed the target: the gate finds the contradiction on its own.
    candidates: [g("User's favourite programming language is Zig", 'superseded:CONTRADICTION')],
    gold: ["User's favourite programming language is Zig"],
  },
  {
    id: 'c16-assistant-guess',
    project: null,
    turns: [['What is a good laptop for coding?', "Since you're a software engineer at Google, a MacBook Pro would suit you."]],
    format: 'json',
    candidates: [g('User works as a software engineer at Google', 'rejected:NOT_FROM_USER'), g('User is looking for a laptop for coding', 'rejected:JUNK')],
    gold: [],
  },
  {
    id: 'c17-maybe',
    project: null,
    turns: [["Maybe I'll try learning the piano someday, who knows.", 'The piano is rewarding.']],
    format: 'json',
    candidates: [g('User might learn the piano someday', 'rejected:LOW_CONFIDENCE', { confidence: 0.35 })],
    gold: [],
  },
  {
    id: 'c18-homelab',
    project: null,
    turns: [
      [
        'My home lab: a Proxmox cluster of three mini PCs running Home Assistant, Jellyfin and a Pi-hole, backed up nightly to a Synology NAS.',
        'Nice setup!',
      ],
    ],
    format: 'json',
    candidates: [
      g('User runs a home lab: ' + 'a Proxmox cluster of three mini PCs with Home Assistant, Jellyfin, Pi-hole and nightly backups to a Synology NAS; '.repeat(10), 'rejected:TOO_LONG'),
      g('User runs a Proxmox cluster of three mini PCs in their home lab', 'accepted:NEW'),
      g('User backs up their home lab nightly to a Synology NAS', 'accepted:NEW'),
    ],
    gold: ['User runs a Proxmox cluster of three mini PCs in their home lab', 'User backs up their home lab nightly to a Synology NAS'],
  },
  {
    id: 'c19-api-key',
    project: null,
    turns: [['Here is my OpenAI key sk-proj-Zx81Kq0Lm2Nb7Vc4Xt9Wr5Ys for the Python script that calls the OpenAI API.', 'Keep keys in environment variables.']],
    format: 'json',
    candidates: [
      g("User's OpenAI API key is sk-proj-Zx81Kq0Lm2Nb7Vc4Xt9Wr5Ys", 'rejected:SECRET'),
      g('User writes Python scripts that call the OpenAI API', 'accepted:NEW'),
    ],
    gold: ['User writes Python scripts that call the OpenAI API'],
    secrets: ['sk-proj-Zx81Kq0Lm2Nb7Vc4Xt9Wr5Ys', 'Zx81Kq0Lm2Nb7Vc4Xt9Wr5Ys'],
  },
  {
    id: 'c20-card',
    project: null,
    turns: [['Book the hotel with my card 4111 1111 1111 1111, expiry 09/28.', 'I cannot make bookings.']],
    format: 'json',
    candidates: [g("User's credit card number is 4111 1111 1111 1111", 'rejected:SECRET', { confidence: 1 })],
    gold: [],
    secrets: ['4111 1111 1111 1111', '4111111111111111'],
  },
  {
    id: 'c21-tabs',
    project: null,
    turns: [['I always prefer tabs over spaces for indentation.', 'Tabs it is.']],
    format: 'json',
    candidates: [g('User prefers tabs over spaces', 'accepted:NEW')],
    gold: ['User prefers tabs over spaces'],
  },
  {
    id: 'c22-commits',
    project: null,
    turns: [['I write my commit messages in English, even for Portuguese projects.', 'Sensible.']],
    format: 'json',
    candidates: [g('User writes commit messages in English', 'accepted:NEW')],
    gold: ['User writes commit messages in English'],
  },
  {
    id: 'a01-stack',
    project: 'alpha',
    turns: [['This project is a Next.js app and we use pnpm workspaces.', 'Got it.']],
    format: 'json',
    candidates: [p('The project is a Next.js app', 'accepted:NEW'), p('The project uses pnpm workspaces', 'accepted:NEW')],
    gold: ['The project is a Next.js app', 'The project uses pnpm workspaces'],
  },
  {
    id: 'a02-tests',
    project: 'alpha',
    turns: [['For this repo, tests run with Vitest, not Jest.', 'Noted.']],
    format: 'fenced',
    candidates: [p('Tests in the project run with Vitest, not Jest', 'accepted:NEW')],
    gold: ['Tests in the project run with Vitest, not Jest'],
  },
  {
    id: 'a03-short-again',
    project: 'alpha',
    turns: [['Here too, I prefer short answers without emojis.', 'Sure.']],
    format: 'json',
    // Already a global memory (and shown to the model): not stored again per project.
    candidates: [p('User prefers short answers without emojis', 'rejected:ALREADY_KNOWN')],
    gold: ['User prefers short answers without emojis'],
  },
  {
    id: 'a04-conventional',
    project: 'alpha',
    turns: [['In this repo, commit messages follow Conventional Commits in English.', 'Will do.']],
    format: 'json',
    // Says more than the global memory, but a project fact never rewrites a global one.
    candidates: [p('Commit messages in the project follow Conventional Commits in English', 'accepted:NEW')],
    gold: ['Commit messages in the project follow Conventional Commits in English', 'User writes commit messages in English'],
  },
  {
    id: 'a05-echo',
    project: 'alpha',
    turns: [['Which package manager do we use again?', 'You use pnpm workspaces in this project.']],
    format: 'json',
    candidates: [p('The project uses pnpm workspaces', 'rejected:ALREADY_KNOWN')],
    gold: ['The project uses pnpm workspaces'],
  },
  {
    id: 'b01-stack',
    project: 'beta',
    turns: [['In this project we write a CLI in Rust with clap.', 'Clap is solid.']],
    format: 'json',
    candidates: [p('The project is a Rust CLI built with clap', 'accepted:NEW')],
    gold: ['The project is a Rust CLI built with clap'],
  },
  {
    id: 'b02-nextest',
    project: 'beta',
    turns: [['Tests here use cargo nextest.', 'Fast runner.']],
    format: 'json',
    candidates: [p('Tests in the project use cargo nextest', 'accepted:NEW')],
    gold: ['Tests in the project use cargo nextest'],
  },
  {
    id: 'b03-spaces',
    project: 'beta',
    turns: [['In this Rust project we prefer spaces over tabs, rustfmt default.', 'rustfmt it is.']],
    format: 'json',
    // Differs from the global preference: kept as a project exception, the global one untouched.
    candidates: [p('User prefers spaces over tabs in this project', 'accepted:NEW')],
    gold: ['User prefers spaces over tabs in this project', 'User prefers tabs over spaces'],
  },
  {
    id: 'b04-nextest-again',
    project: 'beta',
    turns: [['Remember, we test with cargo nextest here.', 'Yes.']],
    format: 'json',
    candidates: [p('The project tests run with cargo nextest', 'rejected:ALREADY_KNOWN')],
    gold: ['Tests in the project use cargo nextest'],
  },
  {
    id: 'c23-pets',
    project: null,
    turns: [['I have two cats named Miso and Tofu, and I volunteer at the animal shelter on Saturdays.', 'Lovely names!']],
    format: 'truncated',
    // The answer is cut off mid-way: the complete item is kept, the cut one dropped (a model miss).
    candidates: [g('User has two cats named Miso and Tofu', 'accepted:NEW'), g('User volunteers at the animal shelter on Saturdays', 'accepted:NEW')],
    gold: ['User has two cats named Miso and Tofu', 'User volunteers at the animal shelter on Saturdays'],
  },
  {
    id: 'c24-offline',
    project: null,
    turns: [["I'm training for a half marathon in October.", 'Good luck!']],
    format: 'no-json',
    // The model did not answer with JSON (like the offline model): a recall miss, logged, nothing stored.
    candidates: [],
    gold: ["User is training for a half marathon in October"],
  },
  {
    id: 'c25-pleasantries',
    project: null,
    turns: [['ok thanks!', "You're welcome!"]],
    format: 'json',
    candidates: [],
    gold: [],
  },
  {
    id: 'c26-timer',
    project: null,
    turns: [['Set a timer for 10 minutes for my pasta.', "I can't set timers, but 10 minutes it is!"]],
    format: 'json',
    // Transient: a good gate would refuse it; the deterministic gate does not catch this one.
    candidates: [g('User wants a timer for 10 minutes for pasta', 'rejected:JUNK', { confidence: 0.7 })],
    gold: [],
  },
  {
    id: 'c27-tokens',
    project: null,
    turns: [['My GitHub token is ghp_R4nd0mT0k3nV4lu3F0rT3st1ngPurp0s3s0k and my bank PIN is 4821.', 'Please revoke that token.']],
    format: 'json',
    candidates: [
      g("User's GitHub token is ghp_R4nd0mT0k3nV4lu3F0rT3st1ngPurp0s3s0k", 'rejected:SECRET'),
      g("User's bank PIN is 4821", 'rejected:SECRET'),
    ],
    gold: [],
    secrets: ['ghp_R4nd0mT0k3nV4lu3F0rT3st1ngPurp0s3s0k', 'PIN is 4821'],
  },
  {
    id: 'c28-multi-turn',
    project: null,
    turns: [
      ['I am learning Japanese.', 'すごい! How long have you been studying?'],
      ['About two years, I practise with Anki every day.', 'Consistency is key.'],
    ],
    format: 'json',
    candidates: [g('User is learning Japanese', 'accepted:NEW'), g('User practises Japanese with Anki every day', 'accepted:NEW')],
    gold: ['User is learning Japanese', 'User practises Japanese with Anki every day'],
  },
  {
    id: 'a06-deploy',
    project: 'alpha',
    turns: [['We deploy this app to Vercel from the main branch.', 'Straightforward.']],
    format: 'json',
    candidates: [p('The project deploys to Vercel from the main branch', 'accepted:NEW')],
    gold: ['The project deploys to Vercel from the main branch'],
  },
  {
    id: 'b05-release',
    project: 'beta',
    turns: [['Releases of this CLI are published to crates.io with cargo-release.', 'Handy tool.']],
    format: 'json',
    candidates: [p('The project publishes releases to crates.io with cargo-release', 'accepted:NEW')],
    gold: ['The project publishes releases to crates.io with cargo-release'],
  },
  {
    id: 'c29-no-project-scope',
    project: null,
    turns: [['The repo uses Renovate for dependency updates.', 'Renovate works well.']],
    format: 'json',
    // A project fact in a conversation without a project: refused rather than made global.
    candidates: [p('The repo uses Renovate for dependency updates', 'rejected:NO_PROJECT')],
    gold: [],
  },
  {
    id: 'c30-allergy',
    project: null,
    turns: [["I'm allergic to peanuts, so please flag recipes with nuts.", 'Will do.']],
    format: 'json',
    candidates: [g('User is allergic to peanuts', 'accepted:NEW', { confidence: 1 })],
    gold: ['User is allergic to peanuts'],
  },
];

export const FIXTURE_QUERIES: FixtureQuery[] = [
  { project: null, text: 'Any good restaurants in Porto for tonight?', expect: 'User lives in Porto' },
  { project: null, text: 'Suggest a recipe with no meat for the weekend', expect: 'User is vegetarian and does not eat meat' },
  { project: null, text: 'How do I configure Helix for Python?', expect: 'User uses Helix as their editor' },
  { project: null, text: 'Give me a small Zig programming exercise', expect: "User's favourite programming language is Zig" },
  { project: null, text: 'What toys would Miso and Tofu like?', expect: 'User has two cats named Miso and Tofu' },
  { project: null, text: 'Any tips for a nurse working night shifts?', expect: 'User works as a nurse' },
  { project: null, text: 'Keep the answers short please', expect: 'User prefers short answers without emojis' },
  { project: null, text: 'Which oat milk works in coffee?', expect: 'User no longer drinks coffee' },
  { project: null, text: 'My Python script calling the OpenAI API is slow', expect: 'User writes Python scripts that call the OpenAI API' },
  { project: null, text: 'Is running at 34 years old bad for the knees?', expect: 'User is 34 years old' },
  { project: null, text: 'How should I back up the Synology NAS offsite?', expect: 'User backs up their home lab nightly to a Synology NAS' },
  { project: null, text: 'Any Anki decks for Japanese kanji?', expect: 'User practises Japanese with Anki every day' },
  { project: null, text: 'Is this Thai curry safe, it has peanuts?', expect: 'User is allergic to peanuts' },
  { project: 'alpha', text: 'How do I add a dependency with pnpm?', expect: 'The project uses pnpm workspaces' },
  { project: 'alpha', text: 'Write a Vitest test for this component', expect: 'Tests in the project run with Vitest, not Jest' },
  { project: 'alpha', text: 'Should this page use the Next.js app router?', expect: 'The project is a Next.js app' },
  { project: 'alpha', text: 'Write the commit message for this fix', expect: 'Commit messages in the project follow Conventional Commits in English' },
  { project: 'alpha', text: 'Do I indent with tabs or spaces?', expect: 'User prefers tabs over spaces' },
  { project: 'alpha', text: 'Why did the Vercel deploy fail on main?', expect: 'The project deploys to Vercel from the main branch' },
  { project: 'beta', text: 'Add a clap subcommand for export', expect: 'The project is a Rust CLI built with clap' },
  { project: 'beta', text: 'How do I run one test with nextest?', expect: 'Tests in the project use cargo nextest' },
  { project: 'beta', text: 'Tabs or spaces for this file?', expect: 'User prefers spaces over tabs in this project' },
  { project: 'beta', text: 'How do I cut a release to crates.io?', expect: 'The project publishes releases to crates.io with cargo-release' },
];
