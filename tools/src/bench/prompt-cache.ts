/**
 * Prompt-cache benchmark: the share of a conversation's input tokens a provider's prompt cache
 * could serve. The fake LLM (in this process) counts tokens with a real BPE tokenizer and reports
 * as cached the leading messages a request shares with an earlier one; the built API (its own
 * process) runs a 50-turn conversation with stored memories that its retrieval brings into
 * turns; the figures are the API's own usage records (so cached tokens must flow into them).
 *
 * Usage: node tools/dist/bench/prompt-cache.js [--turns 50] [--context-window 8192]
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { SwitchboardClient, type WebSocketConstructor } from '@switchboard/protocol';
import { startFakeLlm, type FakeLlmRequest } from '../fake-llm';
import { apiTestEnv, FAKE_KEY, fakeCatalog, startApiProcess } from '../testing';

const TOKEN = 'bench-token-0123456789abcdef';
const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** Things the user told the assistant earlier, stored as memories; each turn asks about one. */
const TOPICS = [
  ['sister', 'My sister Clara lives in Lisbon and works as an architect.'],
  ['bike', 'I ride a blue steel road bike, a 2019 Bianchi, to work most days.'],
  ['allergy', 'I am allergic to peanuts and cashews; hazelnuts are fine.'],
  ['garden', 'My vegetable garden has tomatoes, courgettes and three kinds of basil.'],
  ['piano', 'I have been learning the piano since March, mostly Chopin nocturnes.'],
  ['dentist', 'My dentist is Dr. Okafor at the clinic on Harbour Street.'],
  ['marathon', 'I am training for the Berlin marathon in September, aiming for 3 hours 45.'],
  ['cat', 'Our cat Miso is eleven years old and needs thyroid pills twice a day.'],
  ['budget', 'The household budget for groceries is 600 euros a month.'],
  ['japan', 'We are planning a trip to Japan in April: Kyoto, Nara and Osaka.'],
] as const;

function question(turn: number): string {
  const [topic] = TOPICS[turn % TOPICS.length];
  return (
    `Turn ${turn}: I was thinking again about my ${topic}. Could you help me plan the next steps, ` +
    'keeping in mind what I told you before, and list two or three things I should not forget this week?'
  );
}

function reply(req: FakeLlmRequest): string {
  const n = req.messages.length;
  return (
    `Here is a plan (${n} messages so far). First, set aside some time this week and write down what matters most. ` +
    'Second, check what you already have and what is missing, then decide on one small step you can take today. ' +
    'Third, tell someone about it, so you keep going. Finally, review on Sunday what worked and adjust the plan.'
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { turns: { type: 'string', default: '50' }, 'context-window': { type: 'string', default: '8192' } } });
  const turns = Number(values.turns);
  const contextWindow = Number(values['context-window']);
  const fake = await startFakeLlm({ apiKey: FAKE_KEY, tokenizer: 'o200k', promptCache: true, defaultReply: reply });
  const catalog = fakeCatalog(fake);
  const models = (catalog.models as Array<Record<string, unknown>>).map((m) => (m.id === 'main' ? { ...m, contextWindow } : m));
  const { dataDir, env } = apiTestEnv({ ...catalog, models }, { token: TOKEN });
  const api = await startApiProcess(env);
  try {
    const client = new SwitchboardClient({ baseUrl: api.url, token: TOKEN, WebSocket: WebSocket as unknown as WebSocketConstructor });
    for (const [, content] of TOPICS) await client.createMemory({ content });
    const socket = await client.connect();
    const session = await socket.call('session.create', { channel: 'api', peerId: 'prompt-cache-bench' });
    for (let i = 1; i <= turns; i++) {
      await socket.call('session.send', { sessionId: session.id, text: question(i), wait: true });
      if (i % 10 === 0) progress(`${i} turns`);
    }
    socket.close();
    const usage = await client.getUsage(session.id);
    const primary = fake.requests.filter((r) => r.model === 'fake-main');
    const withMemory = primary.filter((r) => r.messages.some((m) => m.content.includes('<memory>'))).length;
    const { messages } = await client.listMessages(session.id, { limit: 1000 });
    const compactions = messages.filter((m) => m.kind === 'compaction').length;
    const share = usage.primary.inputTokens ? usage.primary.cachedTokens / usage.primary.inputTokens : 0;
    console.log(
      JSON.stringify(
        {
          turns,
          contextWindow,
          primaryCalls: usage.primary.calls,
          inputTokens: usage.primary.inputTokens,
          cachedTokens: usage.primary.cachedTokens,
          cachedShare: Math.round(share * 1000) / 1000,
          turnsWithMemories: withMemory,
          compactions,
        },
        null,
        2,
      ),
    );
  } finally {
    await api.stop();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
