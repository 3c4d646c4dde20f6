import type { FakeLlmServer } from '@switchboard/tools/fake-llm';
import { UNSUPPORTED_MEDIA } from '../src/bot/features/media';
import { ANN, startTelegramTest, testConfig, turnRequests, type TelegramTest } from './harness';

/** The test catalog, with a transcription model on the default provider only (`local` has none). */
function withTranscription(fake: FakeLlmServer): Record<string, unknown> {
  const base = testConfig(fake) as { providers: Record<string, Record<string, unknown>>; models: Array<Record<string, unknown>> };
  return {
    ...base,
    providers: {
      ...base.providers,
      fake: { ...base.providers.fake, transcriptionModel: 'whisper-1' },
      fakelocal: { type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: 'env:FAKE_KEY' },
    },
    models: base.models.map((m) => (m.id === 'llama' ? { ...m, provider: 'fakelocal' } : m)),
  };
}

const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(300, 7)]);

describe('Telegram: voice notes, media and other updates (e2e)', () => {
  let t: TelegramTest;
  beforeAll(async () => {
    t = await startTelegramTest({ config: withTranscription });
    t.tg.addFile('voice-1', OGG);
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => t.api.fake.reset());

  const messagesSince = (since: number) =>
    t.tg.callsOf('sendMessage').slice(since).filter((c) => Number(c.payload.chat_id) === ANN.id);
  const settle = async () => {
    const n = t.tg.getUpdatesCount;
    await t.tg.waitFor(() => t.tg.getUpdatesCount, (c) => c >= n + 2, 'two more polls');
  };

  it('transcribes a voice note with the chat provider, shows the transcript briefly, then answers it as text', async () => {
    t.api.fake.addRule({ model: 'whisper-1', reply: 'what is the weather like' });
    const since = t.tg.callsOf('sendMessage').length;
    const { messageId } = t.tg.pushVoice({ fileId: 'voice-1' });
    const reply = await t.tg.waitFor(() => messagesSince(since), (c) => c.some((x) => x.payload.text === 'Echo: what is the weather like'), 'the answer');
    expect(reply[0].payload).toMatchObject({
      text: '🎤 <i>what is the weather like</i>',
      parse_mode: 'HTML',
      reply_parameters: { message_id: messageId },
    });
    expect(t.tg.callsOf('getFile').at(-1)!.payload.file_id).toBe('voice-1');
    const transcription = t.api.fake.requests.find((r) => r.path === '/v1/audio/transcriptions')!;
    expect(transcription.body.model).toBe('whisper-1');
    expect(transcription.bytes).toBeGreaterThan(OGG.length);
    expect(turnRequests(t).at(-1)!.messages.at(-1)).toEqual({ role: 'user', content: 'what is the weather like' });
  });

  it("says clearly when the chat's provider has no transcription model (the session override is respected)", async () => {
    t.tg.sendText({ text: '/local' });
    await t.tg.waitFor(() => t.tg.shown(ANN.id).map((m) => m.text), (x) => x.some((s) => s.includes('Fake Llama')), '/local');
    const since = t.tg.callsOf('sendMessage').length;
    t.tg.pushVoice({ fileId: 'voice-1' });
    const [reply] = await t.tg.waitFor(() => messagesSince(since), (c) => c.length > 0, 'the refusal');
    expect(reply.payload.text).toContain('no transcription model is configured');
    await settle();
    expect(messagesSince(since)).toHaveLength(1);
    expect(t.api.fake.requests.filter((r) => r.path === '/v1/audio/transcriptions')).toHaveLength(0);
    expect(turnRequests(t)).toHaveLength(0);
    t.tg.sendText({ text: '/model default' });
    await t.tg.waitFor(() => t.tg.shown(ANN.id).map((m) => m.text), (x) => x.some((s) => s.startsWith('Session override cleared')), 'reset');
  });

  it('answers stickers, videos and locations with what is supported (photos and files: files.e2e.spec.ts)', async () => {
    for (const fields of [
      { sticker: { file_id: 's', file_unique_id: 's', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } },
      { video: { file_id: 'v', file_unique_id: 'v', width: 1, height: 1, duration: 2 }, caption: 'watch' },
      { location: { latitude: 48.85, longitude: 2.35 } },
    ]) {
      const since = t.tg.callsOf('sendMessage').length;
      const { messageId } = t.tg.pushMessage(fields as never);
      const [reply] = await t.tg.waitFor(() => messagesSince(since), (c) => c.length > 0, 'the media reply');
      expect(reply.payload).toMatchObject({ text: UNSUPPORTED_MEDIA, reply_parameters: { message_id: messageId } });
    }
    expect(turnRequests(t)).toHaveLength(0);
  });

  it('ignores edited messages, service messages and unknown update types, and keeps working', async () => {
    const since = t.tg.calls.length;
    t.tg.pushUpdate({ edited_message: { message_id: 1, date: 0, edit_date: 1, chat: { id: ANN.id, type: 'private', first_name: 'Ann' }, from: ANN, text: 'edited' } } as never);
    t.tg.pushMessage({ new_chat_title: 'renamed' } as never);
    t.tg.pushUpdate({ message_reaction: { chat: { id: ANN.id, type: 'private' }, message_id: 1, date: 0, old_reaction: [], new_reaction: [] } } as never);
    t.tg.pushUpdate({ some_future_update: { whatever: true } } as never);
    await settle();
    expect(t.tg.calls.slice(since).filter((c) => c.method !== 'getUpdates')).toEqual([]);
    t.tg.sendText({ text: 'still here?' });
    await t.tg.waitFor(() => t.tg.shown(ANN.id).map((m) => m.text), (x) => x.includes('Echo: still here?'), 'a reply after the odd updates');
  });
});
