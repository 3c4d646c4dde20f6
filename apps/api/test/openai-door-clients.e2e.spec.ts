import { ChatOpenAI } from '@langchain/openai';
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { streamText } from 'ai';
import { TEST_TOKEN, startTestApi, type TestApi } from './harness';

/*
 * Clients we did not write, against the real API's OpenAI door in stateless mode: LangChain's
 * ChatOpenAI and the AI SDK's OpenAI-compatible provider. We check what each client got and what
 * the provider behind us received.
 */

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi();
});
afterAll(() => t.close());
beforeEach(() => t.fake.reset());

function lastTurn() {
  const turns = t.fake.requests.filter((r) => Array.isArray(r.body.tools));
  return turns[turns.length - 1];
}

describe('LangChain ChatOpenAI', () => {
  it('holds a multi-turn conversation: every earlier turn and the options reach the provider', async () => {
    const chat = new ChatOpenAI({ model: 'quick', apiKey: TEST_TOKEN, configuration: { baseURL: `${t.api.url}/v1` }, temperature: 0.3, maxTokens: 50, maxRetries: 0 });
    const history: BaseMessage[] = [new SystemMessage('Be brief.'), new HumanMessage('I live in Lyon.')];
    const first = await chat.invoke(history);
    expect(first.content).toBe('Echo: I live in Lyon.');
    expect(first.response_metadata).toMatchObject({ model_name: 'quick', finish_reason: 'stop' });
    history.push(new AIMessage(String(first.content)), new HumanMessage('Where do I live?'));

    const chunks: string[] = [];
    for await (const c of await chat.stream(history)) chunks.push(String(c.content));
    expect(chunks.join('')).toBe('Echo: Where do I live?');

    const sent = lastTurn();
    expect(sent.model).toBe('fake-quick');
    expect(sent.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(sent.messages[0].content).toMatch(/Be brief\.$/);
    expect(sent.messages.slice(1).map((m) => m.content)).toEqual(['I live in Lyon.', 'Echo: I live in Lyon.', 'Where do I live?']);
    expect(sent.body).toMatchObject({ temperature: 0.3, max_tokens: 50 });
    expect((await t.client.listSessions({ channel: 'api' })).sessions).toEqual([]);
  });
});

describe('AI SDK OpenAI-compatible provider as a client', () => {
  it('streams a multi-turn answer with usage; the options and earlier turns reach the provider', async () => {
    const switchboard = createOpenAICompatible({ name: 'switchboard', baseURL: `${t.api.url}/v1`, apiKey: TEST_TOKEN, includeUsage: true });
    const result = streamText({
      model: switchboard.chatModel('main'),
      system: 'Answer in French.',
      messages: [
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Bonjour' },
        { role: 'user', content: 'How are you?' },
      ],
      temperature: 0.1,
      topP: 0.5,
      seed: 7,
      stopSequences: ['STOP'],
      maxRetries: 0,
    });
    expect(await result.text).toBe('Echo: How are you?');
    expect(await result.finishReason).toBe('stop');
    const usage = await result.usage;
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect((await result.response).modelId).toBe('main');

    const sent = lastTurn();
    expect(sent.messages.slice(1)).toEqual([
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Bonjour' },
      { role: 'user', content: 'How are you?' },
    ]);
    expect(sent.messages[0].content).toMatch(/Answer in French\.$/);
    expect(sent.body).toMatchObject({ temperature: 0.1, top_p: 0.5, seed: 7, stop: ['STOP'] });
  });
});
