/**
 * The retrieval evaluation set: long multi-session conversations between a user and the
 * assistant, generated deterministically from a seed, and questions whose answers sit in
 * specific turns, asked the way people ask (other words, other inflections, dates in another
 * format, people by name, two turns needed). Written for this project; every sentence below is
 * ours. Each conversation is one person's: retrieval for a question may only see that person's turns.
 *
 * Known biases, so the figures are read with them: the questions and the retrieval's synonym table
 * (text/synonyms.ts) were written by the same hand, so the bench also reports ours without that
 * table; a multi-hop answer is always two turns apart in one session; the non-English sets are small.
 */

import { prng } from '../synthetic-corpus';

export type EvalLanguage = 'en' | 'zh' | 'ja' | 'ko' | 'th' | 'fr' | 'de';
/** How recall is reported: English, the scripts written without spaces, accented European languages. */
export type EvalLanguageGroup = 'english' | 'cjk-thai' | 'european';
export type EvalQuestionKind = 'paraphrase' | 'synonym' | 'inflection' | 'date' | 'person' | 'multi-hop';

export interface EvalTurn {
  /** `<conversation>:<index>` */
  id: string;
  role: 'user' | 'assistant';
  text: string;
  session: number;
}

export interface EvalConversation {
  id: string;
  language: EvalLanguage;
  group: EvalLanguageGroup;
  /** The person whose conversation it is (their memories are person-scoped to them). */
  person: string;
  turns: EvalTurn[];
}

export interface EvalQuestion {
  id: string;
  conversation: string;
  text: string;
  kind: EvalQuestionKind;
  /** Turn ids that together answer the question (all of them must be retrieved). */
  answers: string[];
}

export interface EvalSet {
  conversations: EvalConversation[];
  questions: EvalQuestion[];
}


type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
function shuffle<T>(r: Rand, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Draws values without repeats within one conversation, so no two facts are about the same name. */
class Draw {
  private used = new Set<string>();
  constructor(private readonly r: Rand) {}
  of(xs: readonly string[]): string {
    const free = xs.filter((x) => !this.used.has(x));
    const v = pick(this.r, free.length ? free : xs);
    this.used.add(v);
    return v;
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ordinal = (d: number) => `${d}${d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th'}`;
interface Day {
  /** "14 March" */
  dm: string;
  /** "March 14th" */
  md: string;
}
function day(r: Rand): Day {
  const d = 1 + Math.floor(r() * 28);
  const m = pick(r, MONTHS);
  return { dm: `${d} ${m}`, md: `${m} ${ordinal(d)}` };
}

const NAMES = ['Priya', 'Tomasz', 'Ingrid', 'Mateo', 'Aisha', 'Kenji', 'Olga', 'Rafael', 'Nadia', 'Callum', 'Sven', 'Leila', 'Bruno', 'Yusuf', 'Greta', 'Hamid', 'Elena', 'Oscar', 'Zainab', 'Felix', 'Marisol', 'Dmitri', 'Siobhan', 'Anouk'];
const CITIES = ['Lisbon', 'Porto', 'Valencia', 'Leeds', 'Utrecht', 'Ghent', 'Tallinn', 'Krakow', 'Bologna', 'Lyon', 'Bergen', 'Galway', 'Seville', 'Aarhus'];
const PETS = ['Biscuit', 'Pepper', 'Mochi', 'Juniper', 'Waffles', 'Ziggy', 'Clover', 'Pickles', 'Nutmeg', 'Bramble'];
const INSTRUMENTS = ['cello', 'ukulele', 'banjo', 'saxophone', 'harp', 'accordion'];
const SPORTS = ['bouldering', 'rowing', 'fencing', 'squash', 'archery', 'kayaking'];
const ALLERGENS = ['peanuts', 'shellfish', 'sesame', 'kiwi', 'walnuts'];
const CARS = ['Skoda', 'Volvo', 'Fiat', 'Mazda', 'Renault', 'Subaru'];
const EMPLOYERS = ['Northwind Logistics', 'Brightlane', 'Quillfeather', 'Harbourline', 'Tidewater Labs', 'Copperleaf'];
const JOBS = ['pharmacist', 'architect', 'nurse', 'translator', 'carpenter', 'electrician', 'librarian'];
const LANGUAGES = ['Portuguese', 'Korean', 'Finnish', 'Welsh', 'Turkish', 'Greek'];
const DISHES = ['lentil soup', 'mushroom risotto', 'chickpea curry', 'fish tacos', 'shakshuka', 'pumpkin gnocchi'];
const ITEMS = ['ladder', 'tent', 'drill', 'projector', 'bike pump', 'camera'];
const SHOWS = ['a documentary about octopuses', 'an old detective series', 'a baking competition', 'a sci-fi miniseries'];

/** One fact: the turns that state it and the questions they answer (answers index into `turns`). */
interface FactScript {
  turns: Array<['user' | 'assistant', string]>;
  questions: Array<{ text: string; kind: EvalQuestionKind; answers: number[] }>;
}

type EnglishFact = (r: Rand, d: Draw) => FactScript;

const an = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;

const ACK = ['Noted.', 'Got it, thanks for telling me.', 'That makes sense.', 'Good to know.', 'Thanks, I will keep that in mind.', 'Understood.'];
const ack = (r: Rand) => pick(r, ACK);

// Each template states a fact once and asks about it the way someone would weeks later.
const ENGLISH_FACTS: EnglishFact[] = [
  (r, d) => {
    const city = d.of(CITIES);
    const when = day(r);
    return {
      turns: [['user', `We finally moved into the new flat in ${city} on ${when.dm}, boxes everywhere.`], ['assistant', `Congratulations on the move to ${city}! Unpacking takes a while.`]],
      questions: [
        { text: `When did I relocate to ${city}?`, kind: 'synonym', answers: [0] },
        { text: 'Which city did we move to?', kind: 'paraphrase', answers: [0] },
      ],
    };
  },
  (r, d) => {
    const food = d.of(ALLERGENS);
    return {
      turns: [['user', `The clinic confirmed I'm allergic to ${food}, so no more of that for me.`], ['assistant', ack(r)]],
      questions: [
        { text: 'What food allergy did the doctor find?', kind: 'synonym', answers: [0] },
        { text: `Can I eat ${food}?`, kind: 'paraphrase', answers: [0] },
      ],
    };
  },
  (_r, d) => {
    const name = d.of(NAMES);
    const job = d.of(JOBS);
    return {
      turns: [['user', `My old flatmate ${name} retrained and works as ${an(job)} these days.`], ['assistant', `That's a big change for ${name}.`]],
      questions: [
        { text: `What does ${name} do for a living?`, kind: 'person', answers: [0] },
        { text: `Who do I know that is working as ${an(job)}?`, kind: 'inflection', answers: [0] },
      ],
    };
  },
  (r, d) => {
    const inst = d.of(INSTRUMENTS);
    const when = day(r);
    return {
      turns: [['user', `I signed up for ${inst} lessons, the first one is on ${when.dm}.`], ['assistant', `Exciting, the ${inst} is a lovely instrument.`]],
      questions: [
        { text: `When is my first ${inst} class?`, kind: 'date', answers: [0] },
        { text: 'Which instrument am I learning to play?', kind: 'paraphrase', answers: [0] },
      ],
    };
  },
  (r) => {
    const when = day(r);
    return {
      turns: [['user', `Booked the dentist for ${when.dm}, that filling has been bothering me.`], ['assistant', 'Good, better to get it looked at.']],
      questions: [
        { text: 'When is my dental appointment?', kind: 'date', answers: [0] },
        { text: `What have I got on ${when.md}?`, kind: 'date', answers: [0] },
      ],
    };
  },
  (_r, d) => {
    const name = d.of(NAMES);
    const pet = d.of(PETS);
    return {
      turns: [
        ['user', `My sister ${name} adopted a rescue dog last weekend.`],
        ['assistant', 'How lovely! What did she call it?'],
        ['user', `${pet}. A scruffy terrier who steals socks.`],
      ],
      questions: [{ text: `What is the name of ${name}'s dog?`, kind: 'multi-hop', answers: [0, 2] }],
    };
  },
  (_r, d) => {
    const name = d.of(NAMES);
    const city = d.of(CITIES);
    return {
      turns: [
        ['user', `My manager ${name} announced she is leaving the company in spring.`],
        ['assistant', 'That is big news. Do you know where she is going?'],
        ['user', `Back home to ${city}, to open a bakery with her brother.`],
      ],
      questions: [{ text: `Where is ${name} heading after she quits?`, kind: 'multi-hop', answers: [0, 2] }],
    };
  },
  (r, d) => {
    const name = d.of(NAMES);
    const item = d.of(ITEMS);
    const when = day(r);
    return {
      turns: [
        ['user', `I lent my ${item} to the neighbour, ${name}.`],
        ['assistant', 'Did you agree when you would get it back?'],
        ['user', `He swore he would return it by ${when.dm}.`],
      ],
      questions: [
        { text: `When will ${name} give back the ${item}?`, kind: 'multi-hop', answers: [0, 2] },
        { text: `Who borrowed my ${item}?`, kind: 'synonym', answers: [0] },
      ],
    };
  },
  (r, d) => {
    const sport = d.of(SPORTS);
    const when = day(r);
    return {
      turns: [['user', `I started ${sport} at the club on ${when.dm} and my arms are destroyed.`], ['assistant', `Sore muscles are normal when you start ${sport}.`]],
      questions: [
        { text: `When did I take up ${sport}?`, kind: 'date', answers: [0] },
        { text: 'What sport did I begin doing at the club?', kind: 'paraphrase', answers: [0] },
      ],
    };
  },
  (_r, d) => {
    const car = d.of(CARS);
    return {
      turns: [['user', `Sold the old hatchback and bought a second-hand ${car} estate.`], ['assistant', `Enjoy the ${car}!`]],
      questions: [
        { text: 'What car do I drive now?', kind: 'paraphrase', answers: [0] },
        { text: 'Did I buy a new vehicle?', kind: 'synonym', answers: [0] },
      ],
    };
  },
  (r, d) => {
    const employer = d.of(EMPLOYERS);
    const when = day(r);
    return {
      turns: [['user', `I accepted the offer from ${employer}, I start on ${when.dm}.`], ['assistant', 'Congratulations on the new job!']],
      questions: [
        { text: 'Which company hired me?', kind: 'synonym', answers: [0] },
        { text: `When do I begin working at ${employer}?`, kind: 'date', answers: [0] },
      ],
    };
  },
  (_r, d) => {
    const lang = d.of(LANGUAGES);
    return {
      turns: [['user', `I've been practising ${lang} on the train every morning, twenty minutes a day.`], ['assistant', `Consistency is the key with ${lang}.`]],
      questions: [
        { text: 'Which language am I studying?', kind: 'paraphrase', answers: [0] },
        { text: `How often do I practise ${lang}?`, kind: 'inflection', answers: [0] },
      ],
    };
  },
  (r, d) => {
    const name = d.of(NAMES);
    const when = day(r);
    return {
      turns: [['user', `${name} and I are getting married on ${when.dm}, small ceremony by the lake.`], ['assistant', 'Congratulations to you both!']],
      questions: [
        { text: 'When is my wedding?', kind: 'synonym', answers: [0] },
        { text: `Who am I marrying?`, kind: 'inflection', answers: [0] },
      ],
    };
  },
  (_r, d) => {
    const dish = d.of(DISHES);
    return {
      turns: [['user', `My go-to dinner when I'm tired is ${dish}, takes fifteen minutes.`], ['assistant', `${dish[0].toUpperCase()}${dish.slice(1)} is a good choice.`]],
      questions: [
        { text: 'What do I usually cook when I am exhausted?', kind: 'synonym', answers: [0] },
        { text: `How long does my ${dish} take to make?`, kind: 'paraphrase', answers: [0] },
      ],
    };
  },
  (_r, d) => {
    const name = d.of(NAMES);
    const city = d.of(CITIES);
    return {
      turns: [['user', `Visited my grandmother ${name} in ${city}, she turned ninety and still gardens daily.`], ['assistant', 'Ninety and gardening, impressive!']],
      questions: [
        { text: `Where does grandma ${name} live?`, kind: 'person', answers: [0] },
        { text: 'How old is my grandmother?', kind: 'inflection', answers: [0] },
      ],
    };
  },
  (r, d) => {
    const when = day(r);
    const city = d.of(CITIES);
    return {
      turns: [['user', `Our flight to ${city} leaves at 6am on ${when.dm}, ugh.`], ['assistant', 'An early start. Pack the night before.']],
      questions: [
        { text: `What time is the plane to ${city}?`, kind: 'synonym', answers: [0] },
        { text: `Am I travelling anywhere on ${when.md}?`, kind: 'date', answers: [0] },
      ],
    };
  },
  (r) => {
    const show = pick(r, SHOWS);
    return {
      turns: [['user', `Binged ${show} over the weekend, couldn't stop.`], ['assistant', 'Sounds like a cosy weekend.']],
      questions: [{ text: 'What series did I watch recently?', kind: 'inflection', answers: [0] }],
    };
  },
  (_r, d) => {
    const name = d.of(NAMES);
    return {
      turns: [['user', `Our son ${name} broke his wrist falling off the trampoline.`], ['assistant', `Poor ${name}, I hope it heals quickly.`]],
      questions: [
        { text: `How did ${name} get injured?`, kind: 'person', answers: [0] },
        { text: 'Which of my kids had a broken arm?', kind: 'synonym', answers: [0] },
      ],
    };
  },
  (r) => {
    const n = 3 + Math.floor(r() * 6);
    return {
      turns: [['user', `I ran my first half marathon in ${n === 3 ? 'under two hours' : `two hours and ${n * 5} minutes`}!`], ['assistant', 'What an achievement!']],
      questions: [
        { text: 'What was my time in the half-marathon?', kind: 'paraphrase', answers: [0] },
        { text: 'Have I ever done a running race?', kind: 'inflection', answers: [0] },
      ],
    };
  },
  (r, d) => {
    const name = d.of(NAMES);
    const when = day(r);
    return {
      turns: [['user', `It's my best friend ${name}'s birthday on ${when.dm}, I need a present idea.`], ['assistant', 'Maybe something related to a hobby of theirs?']],
      questions: [
        { text: `When is ${name}'s birthday?`, kind: 'person', answers: [0] },
        { text: `Whose birthday falls on ${when.md}?`, kind: 'date', answers: [0] },
      ],
    };
  },
  (r) => {
    const degrees = 16 + Math.floor(r() * 6);
    return {
      turns: [['user', `I sleep badly unless the bedroom is at ${degrees} degrees, warmer and I wake up.`], ['assistant', ack(r)]],
      questions: [{ text: 'What temperature do I need to sleep well?', kind: 'inflection', answers: [0] }],
    };
  },
  (_r, d) => {
    const name = d.of(NAMES);
    return {
      turns: [
        ['user', `I met ${name} at the pottery workshop yesterday.`],
        ['assistant', 'Nice! Did you get along?'],
        ['user', 'Really well, turns out she grew up two streets from me and we are meeting for coffee.'],
      ],
      questions: [
        { text: `Where did I meet ${name}?`, kind: 'person', answers: [0] },
        { text: `Where did ${name} grow up?`, kind: 'multi-hop', answers: [0, 2] },
      ],
    };
  },
  (r) => {
    const pct = 10 + Math.floor(r() * 10);
    return {
      turns: [['user', `Got a ${pct}% raise at my review, which pays for the new boiler.`], ['assistant', 'Well deserved!']],
      questions: [
        { text: 'How much did my salary increase?', kind: 'synonym', answers: [0] },
        { text: 'How did my performance review go?', kind: 'inflection', answers: [0] },
      ],
    };
  },
  (_r, d) => {
    const name = d.of(NAMES);
    return {
      turns: [['user', `Dr ${name} prescribed physiotherapy twice a week for my knee.`], ['assistant', 'Physio helps a lot with knees.']],
      questions: [
        { text: `What treatment did Dr ${name} recommend?`, kind: 'person', answers: [0] },
        { text: 'What is wrong with my knee?', kind: 'paraphrase', answers: [0] },
      ],
    };
  },
];

// Chit-chat that mentions the same subjects (jobs, cities, appointments, pets, food) without stating the facts.
const FILLER_USER = [
  'The weather was grey again so I stayed in and read.',
  'Work was busy today, lots of meetings about the launch.',
  'What should I cook tonight? Something quick please.',
  'Can you remind me how to convert cups to grams?',
  'I did some gardening this morning, the tomatoes are finally red.',
  'My colleague keeps booking meetings over lunch, so annoying.',
  'Is it normal for a dog to sleep most of the day?',
  'I watched the match last night, what a finish.',
  'Help me write a short thank-you note for a neighbour.',
  'Thinking about where to travel in the autumn, maybe somewhere by the sea.',
  'I need to call the bank about my card tomorrow.',
  'My friend wants me to join a book club, not sure I have time.',
  'The train was late again this morning.',
  'How long should I boil an egg for a soft yolk?',
  'I had a long day at work and my back hurts.',
  'Any tips for falling asleep faster?',
  'What is a good stretch for tight shoulders?',
  'I finished the puzzle my sister gave me for my birthday.',
  'Do you know a good way to clean a cast iron pan?',
  'The kids were loud all afternoon, I need a quiet evening.',
  'I might repaint the kitchen, maybe a pale green.',
  'When is the best time to plant garlic?',
  'Could you summarise the news about the elections in two lines?',
  'My phone battery dies by lunchtime now.',
  'I went for a walk by the river, saw herons.',
  'What did people eat in medieval times?',
  'Remind me what the capital of Australia is.',
  'I keep forgetting to drink water during the day.',
  'The car needs an oil change soon.',
  'Our neighbour plays drums on Sunday mornings.',
];
const FILLER_ASSISTANT = [
  'Here is a quick idea you could try.',
  'That sounds like a tiring day, take it easy tonight.',
  'Sure, here are a few options.',
  'A short walk often helps with that.',
  'Happy to help with that.',
  'That is a common question, here is the short answer.',
  'It depends a little, but usually a few minutes is enough.',
  'Good luck with it, let me know how it goes.',
];

function englishConversation(index: number, r: Rand): { conv: EvalConversation; questions: EvalQuestion[] } {
  const id = `en-${String(index + 1).padStart(2, '0')}`;
  const d = new Draw(r);
  const facts = shuffle(r, ENGLISH_FACTS).slice(0, 22).map((f) => f(r, d));
  return assemble(id, 'en', 'english', r, facts, () => [pick(r, FILLER_USER), pick(r, FILLER_ASSISTANT)], 2);
}

/** Interleaves facts with filler exchanges across sessions and numbers the turns. */
function assemble(
  id: string,
  language: EvalLanguage,
  group: EvalLanguageGroup,
  r: Rand,
  facts: FactScript[],
  filler: () => [string, string],
  fillersPerFact: number,
): { conv: EvalConversation; questions: EvalQuestion[] } {
  const turns: EvalTurn[] = [];
  const questions: EvalQuestion[] = [];
  const sessions = 4 + Math.floor(r() * 3);
  const push = (role: 'user' | 'assistant', text: string, session: number) => {
    turns.push({ id: `${id}:${turns.length}`, role, text, session });
    return turns.length - 1;
  };
  facts.forEach((fact, f) => {
    const session = Math.floor((f * sessions) / facts.length);
    const n = Math.floor(r() * (fillersPerFact + 1)) + (f % 2);
    for (let i = 0; i < n; i++) {
      const [u, a] = filler();
      push('user', u, session);
      push('assistant', a, session);
    }
    const at = fact.turns.map(([role, text]) => push(role, text, session));
    for (const q of fact.questions) {
      questions.push({ id: `${id}-q${questions.length + 1}`, conversation: id, text: q.text, kind: q.kind, answers: q.answers.map((i) => turns[at[i]].id) });
    }
  });
  return { conv: { id, language, group, person: `eval-${id}`, turns }, questions };
}

// ---------------------------------------------------------------- other languages

/** A fact in another language: the statement, the assistant's reply and questions (answer: the statement). */
interface ForeignFact {
  say: string;
  reply: string;
  ask: Array<[string, EvalQuestionKind]>;
}

interface ForeignScript {
  language: EvalLanguage;
  group: EvalLanguageGroup;
  facts: ForeignFact[];
  filler: Array<[string, string]>;
}

const FOREIGN: ForeignScript[] = [
  {
    language: 'zh',
    group: 'cjk-thai',
    facts: [
      { say: '我上个月搬到了成都，新公寓离地铁站很近。', reply: '恭喜搬家！', ask: [['我搬到哪个城市了？', 'paraphrase'], ['我什么时候搬到成都的？', 'date']] },
      { say: '我对花生过敏，吃了会起疹子。', reply: '记住了。', ask: [['我对什么过敏？', 'paraphrase']] },
      { say: '我妹妹小敏在医院当护士。', reply: '护士很辛苦。', ask: [['小敏做什么工作？', 'person'], ['谁是护士？', 'paraphrase']] },
      { say: '我每天早上学三十分钟日语。', reply: '坚持就是胜利。', ask: [['我在学什么语言？', 'paraphrase']] },
      { say: '我的猫叫豆豆，今年五岁了。', reply: '豆豆这个名字真可爱。', ask: [['我的猫叫什么名字？', 'paraphrase'], ['豆豆几岁了？', 'person']] },
      { say: '我三月十四号要去看牙医。', reply: '好的。', ask: [['我什么时候去看牙医？', 'date']] },
      { say: '我最喜欢的运动是游泳。', reply: '游泳对身体很好。', ask: [['我喜欢什么运动？', 'inflection']] },
      { say: '我的同事老王下个月退休。', reply: '祝他退休生活愉快。', ask: [['老王什么时候退休？', 'person']] },
      { say: '我买了一辆二手的丰田车。', reply: '开车注意安全。', ask: [['我买了什么车？', 'paraphrase']] },
      { say: '周末我在公园跑了十公里。', reply: '太厉害了！', ask: [['我周末跑了多远？', 'paraphrase']] },
      { say: '我女儿明年上小学。', reply: '时间过得真快。', ask: [['我女儿什么时候上学？', 'date']] },
    ],
    filler: [
      ['今天天气不太好，我一直待在家里。', '在家休息也不错。'],
      ['晚饭吃什么好呢？', '可以试试简单的炒饭。'],
      ['工作好累，开了一整天的会。', '辛苦了，早点休息。'],
      ['帮我写一封简短的感谢信。', '好的，这是一个草稿。'],
      ['地铁今天又晚点了。', '真让人头疼。'],
    ],
  },
  {
    language: 'ja',
    group: 'cjk-thai',
    facts: [
      { say: '先月から東京都に住んでいます。', reply: '新生活はいかがですか。', ask: [['私はどこに住んでいますか？', 'inflection']] },
      { say: '来週の金曜日に歯医者の予約があります。', reply: '了解しました。', ask: [['歯医者の予約はいつですか？', 'date']] },
      { say: '妹の花子は図書館で働いています。', reply: '素敵な仕事ですね。', ask: [['花子の仕事は何ですか？', 'person']] },
      { say: '毎朝三十分ジョギングをしています。', reply: '健康的ですね。', ask: [['朝、何をしていますか？', 'paraphrase']] },
      { say: '犬を飼い始めました。名前はポチです。', reply: 'ポチ、かわいい名前ですね。', ask: [['犬の名前は何ですか？', 'paraphrase']] },
      { say: 'えびアレルギーがあるので、気をつけています。', reply: '覚えておきます。', ask: [['何のアレルギーがありますか？', 'paraphrase']] },
      { say: '趣味はギターを弾くことです。', reply: 'いい趣味ですね。', ask: [['私の趣味は何ですか？', 'paraphrase']] },
      { say: '同僚の田中さんが大阪に転勤しました。', reply: '寂しくなりますね。', ask: [['田中さんはどこに行きましたか？', 'person']] },
      { say: '四月に京都へ旅行する予定です。', reply: '桜の季節ですね。', ask: [['いつ京都に行きますか？', 'date']] },
      { say: '新しい自転車を買いました。', reply: 'サイクリングを楽しんでください。', ask: [['何を買いましたか？', 'paraphrase']] },
      { say: '息子は来年から中学生になります。', reply: 'おめでとうございます。', ask: [['息子はいつ中学生になりますか？', 'date']] },
    ],
    filler: [
      ['今日は雨が降っていて、家にいました。', 'ゆっくり休めましたか。'],
      ['晩ご飯は何にしようかな。', 'カレーはいかがですか。'],
      ['仕事が忙しくて疲れました。', 'お疲れさまでした。'],
      ['電車がまた遅れました。', '大変でしたね。'],
      ['短いお礼のメールを書いてください。', 'はい、こちらが下書きです。'],
    ],
  },
  {
    language: 'ko',
    group: 'cjk-thai',
    facts: [
      { say: '저는 지난달에 부산으로 이사했어요.', reply: '이사 축하해요!', ask: [['내가 어디로 이사했지?', 'paraphrase'], ['부산에 언제 이사했어?', 'date']] },
      { say: '저는 땅콩 알레르기가 있어요.', reply: '기억해 둘게요.', ask: [['나는 무슨 알레르기가 있어?', 'paraphrase']] },
      { say: '제 동생 민수는 병원에서 간호사로 일해요.', reply: '멋진 일이네요.', ask: [['민수는 무슨 일을 해?', 'person']] },
      { say: '매일 아침 영어를 삼십 분씩 공부해요.', reply: '꾸준함이 중요하죠.', ask: [['나는 아침에 무엇을 공부해?', 'inflection']] },
      { say: '우리 고양이 이름은 나비예요.', reply: '귀여운 이름이네요.', ask: [['고양이 이름이 뭐야?', 'paraphrase']] },
      { say: '다음 주 화요일에 치과 예약이 있어요.', reply: '알겠어요.', ask: [['치과 예약이 언제야?', 'date']] },
      { say: '제 취미는 등산이에요.', reply: '건강한 취미네요.', ask: [['내 취미가 뭐였지?', 'paraphrase']] },
      { say: '회사 동료 지영 씨가 결혼했어요.', reply: '축하할 일이네요.', ask: [['지영 씨에게 무슨 일이 있었어?', 'person']] },
      { say: '새 노트북을 샀어요.', reply: '잘 쓰세요.', ask: [['최근에 뭘 샀어?', 'paraphrase']] },
      { say: '딸이 내년에 초등학교에 들어가요.', reply: '시간 참 빠르네요.', ask: [['딸은 언제 초등학교에 가?', 'date']] },
    ],
    filler: [
      ['오늘은 비가 와서 집에 있었어요.', '푹 쉬셨나요?'],
      ['저녁 뭐 먹을까요?', '김치찌개는 어때요?'],
      ['일이 너무 바빠서 피곤해요.', '수고 많으셨어요.'],
      ['지하철이 또 늦었어요.', '힘드셨겠어요.'],
      ['짧은 감사 편지를 써 주세요.', '네, 초안을 드릴게요.'],
    ],
  },
  {
    language: 'th',
    group: 'cjk-thai',
    facts: [
      { say: 'ฉันย้ายไปเชียงใหม่เมื่อเดือนที่แล้ว', reply: 'ยินดีด้วยนะ', ask: [['ฉันย้ายไปอยู่ที่ไหน', 'paraphrase'], ['ฉันย้ายไปเชียงใหม่เมื่อไหร่', 'date']] },
      { say: 'ฉันแพ้กุ้งมาก', reply: 'จะจำไว้นะ', ask: [['ฉันแพ้อะไร', 'paraphrase']] },
      { say: 'น้องสาวของฉันชื่อมะลิเป็นพยาบาล', reply: 'งานพยาบาลเหนื่อยมาก', ask: [['มะลิทำงานอะไร', 'person']] },
      { say: 'ฉันเรียนภาษาญี่ปุ่นทุกเช้า', reply: 'เก่งมาก', ask: [['ฉันเรียนภาษาอะไร', 'paraphrase']] },
      { say: 'แมวของฉันชื่อส้มโอ', reply: 'ชื่อน่ารักจัง', ask: [['แมวของฉันชื่ออะไร', 'paraphrase']] },
      { say: 'ฉันมีนัดหมอฟันวันศุกร์หน้า', reply: 'รับทราบ', ask: [['นัดหมอฟันวันไหน', 'date']] },
      { say: 'งานอดิเรกของฉันคือการปลูกต้นไม้', reply: 'เป็นงานอดิเรกที่ดี', ask: [['งานอดิเรกของฉันคืออะไร', 'paraphrase']] },
      { say: 'ฉันซื้อรถจักรยานยนต์คันใหม่', reply: 'ขับขี่ปลอดภัยนะ', ask: [['ฉันซื้ออะไรมา', 'inflection']] },
      { say: 'เพื่อนร่วมงานชื่อสมชายจะแต่งงานเดือนหน้า', reply: 'ยินดีกับเขาด้วย', ask: [['สมชายจะแต่งงานเมื่อไหร่', 'person']] },
    ],
    filler: [
      ['วันนี้ฝนตก ฉันเลยอยู่บ้าน', 'พักผ่อนบ้างก็ดี'],
      ['เย็นนี้กินอะไรดี', 'ลองผัดกะเพราไหม'],
      ['งานยุ่งมาก เหนื่อยจัง', 'พักผ่อนเยอะๆ นะ'],
      ['รถไฟฟ้ามาช้าอีกแล้ว', 'น่าหงุดหงิดจริงๆ'],
    ],
  },
  {
    language: 'fr',
    group: 'european',
    facts: [
      { say: 'Nous avons déménagé à Besançon le 3 février.', reply: 'Félicitations pour le déménagement !', ask: [['Quand est-ce que nous avons emménagé à Besançon ?', 'date'], ['Dans quelle ville avons-nous déménagé ?', 'inflection']] },
      { say: 'Je suis allergique aux noisettes depuis l’enfance.', reply: 'C’est noté.', ask: [['À quoi suis-je allergique ?', 'paraphrase']] },
      { say: 'Ma sœur Hélène travaille comme infirmière à l’hôpital.', reply: 'Un métier exigeant.', ask: [['Quel est le métier d’Hélène ?', 'person']] },
      { say: 'J’apprends le violoncelle le mercredi soir.', reply: 'Quel bel instrument.', ask: [['Quel instrument est-ce que j’apprends ?', 'paraphrase']] },
      { say: 'Notre chat s’appelle Réglisse.', reply: 'Joli nom !', ask: [['Comment s’appelle notre chat ?', 'inflection']] },
      { say: 'Mon rendez-vous chez le dentiste est le 12 mars.', reply: 'D’accord.', ask: [['Quand est mon rendez-vous dentaire ?', 'date']] },
      { say: 'J’ai acheté une Citroën d’occasion.', reply: 'Bonne route !', ask: [['Quelle voiture ai-je achetée ?', 'inflection']] },
      { say: 'Mon collègue Benoît part à la retraite en été.', reply: 'Il l’a bien mérité.', ask: [['Quand Benoît prend-il sa retraite ?', 'person']] },
    ],
    filler: [
      ['Il a plu toute la journée, je suis resté à la maison.', 'Un peu de repos fait du bien.'],
      ['Qu’est-ce que je pourrais cuisiner ce soir ?', 'Une omelette aux champignons ?'],
      ['Le train était encore en retard ce matin.', 'C’est pénible.'],
      ['Journée chargée au bureau, beaucoup de réunions.', 'Repose-toi ce soir.'],
    ],
  },
  {
    language: 'de',
    group: 'european',
    facts: [
      { say: 'Wir sind am 5. Mai nach Lübeck umgezogen.', reply: 'Herzlichen Glückwunsch zum Umzug!', ask: [['Wann sind wir nach Lübeck gezogen?', 'date'], ['In welche Stadt sind wir umgezogen?', 'paraphrase']] },
      { say: 'Ich bin allergisch gegen Erdnüsse.', reply: 'Ich merke es mir.', ask: [['Wogegen bin ich allergisch?', 'paraphrase']] },
      { say: 'Mein Bruder Jürgen arbeitet als Bäcker in München.', reply: 'Frische Brötchen jeden Tag!', ask: [['Was macht Jürgen beruflich?', 'person']] },
      { say: 'Ich lerne seit Januar Schwedisch.', reply: 'Viel Erfolg dabei.', ask: [['Welche Sprache lerne ich?', 'paraphrase']] },
      { say: 'Unser Hund heißt Krümel.', reply: 'Ein süßer Name.', ask: [['Wie heißt unser Hund?', 'inflection']] },
      { say: 'Mein Zahnarzttermin ist am 18. März.', reply: 'Alles klar.', ask: [['Wann ist mein Termin beim Zahnarzt?', 'date']] },
      { say: 'Ich fahre jeden Morgen mit dem Fahrrad zur Arbeit.', reply: 'Sehr gesund.', ask: [['Wie komme ich zur Arbeit?', 'paraphrase']] },
      { say: 'Meine Kollegin Dörte heiratet im Herbst.', reply: 'Wie schön!', ask: [['Wann heiratet Dörte?', 'person']] },
    ],
    filler: [
      ['Heute hat es den ganzen Tag geregnet.', 'Dann war es ein ruhiger Tag zu Hause.'],
      ['Was soll ich heute Abend kochen?', 'Vielleicht eine Gemüsesuppe?'],
      ['Der Zug hatte schon wieder Verspätung.', 'Das ist ärgerlich.'],
      ['Viel Arbeit heute, lauter Besprechungen.', 'Ruh dich heute Abend aus.'],
    ],
  },
];

function foreignConversation(script: ForeignScript, r: Rand): { conv: EvalConversation; questions: EvalQuestion[] } {
  const facts: FactScript[] = shuffle(r, script.facts).map((f) => ({
    turns: [
      ['user', f.say],
      ['assistant', f.reply],
    ],
    questions: f.ask.map(([text, kind]) => ({ text, kind, answers: [0] })),
  }));
  return assemble(`${script.language}-01`, script.language, script.group, r, facts, () => pick(r, script.filler), 3);
}

/** The evaluation set for a seed: 18 English conversations and one in each of zh, ja, ko, th, fr, de. */
export function generateEvalSet(seed = 18): EvalSet {
  const r = prng(seed);
  const parts = [...Array.from({ length: 18 }, (_, i) => englishConversation(i, r)), ...FOREIGN.map((s) => foreignConversation(s, r))];
  return { conversations: parts.map((p) => p.conv), questions: parts.flatMap((p) => p.questions) };
}
