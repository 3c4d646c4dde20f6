/**
 * "Remember …" that stores nothing says why in the conversation: with the offline demo model
 * (it cannot extract), and with a real model when the fact is already remembered.
 */
import { MemoryService } from '@switchboard/memory/server';
import type { Message } from '@switchboard/protocol';
import { eventually, startTestApi, testConfig, type TestApi } from './harness';

const notices = (messages: Message[]) => messages.filter((m) => m.role === 'system' && m.kind === 'notice' && (m.event as { source?: string } | null)?.source === 'memory');

async function turnAndSettle(t: TestApi, sessionId: string, text: string): Promise<Message[]> {
  const memory = t.api.app.get(MemoryService);
  const before = memory.metrics().queue.enqueued;
  await t.client.sendMessage(sessionId, { text, wait: true });
  await eventually(() => memory.metrics().queue.enqueued, (n) => n > before, 'the turn to reach the memory queue');
  await memory.flush();
  return (await t.client.listMessages(sessionId)).messages;
}

describe('a "remember" that stores nothing says why (e2e)', () => {
  describe('with only the offline demo model', () => {
    let t: TestApi;
    beforeAll(async () => {
      t = await startTestApi({ config: () => ({}) });
      await t.client.setMemorySettings({ enabled: true, silent: false });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('tells the user the offline model cannot extract, and how to add the memory', async () => {
      expect((await t.client.listModels()).offlineOnly).toBe(true);
      const s = await t.client.createSession({ channel: 'web', peerId: 'offline-remember' });
      await turnAndSettle(t, s.id, 'Please remember that my favourite colour is teal.');
      const messages = await eventually(async () => (await t.client.listMessages(s.id)).messages, (m) => notices(m).length > 0, 'the memory notice');
      const [notice] = notices(messages);
      expect(notice.content).toContain('the offline demo model cannot pick facts out of a conversation');
      expect(notice.content).toContain('Memory page');
      expect((await t.client.listMemories({})).memories).toEqual([]);
    });

    it('says nothing when the user did not ask to remember, or when memory is silent', async () => {
      const s = await t.client.createSession({ channel: 'web', peerId: 'offline-plain' });
      const settled = async () => (await new Promise((r) => setTimeout(r, 300)), (await t.client.listMessages(s.id)).messages);
      await turnAndSettle(t, s.id, 'My favourite colour is teal.');
      expect(notices(await settled())).toEqual([]);
      await t.client.setMemorySettings({ enabled: true, silent: true });
      await turnAndSettle(t, s.id, 'Remember that I like tea.');
      expect(notices(await settled())).toEqual([]);
      await t.client.setMemorySettings({ enabled: true, silent: false });
    });
  });

  describe('with a real model', () => {
    let t: TestApi;
    beforeAll(async () => {
      t = await startTestApi({ config: (fake) => testConfig(fake) });
      await t.client.setMemorySettings({ enabled: true, silent: false });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('says the model found nothing readable when its answer is not a memory list', async () => {
      const s = await t.client.createSession({ channel: 'web', peerId: 'real-remember' });
      await turnAndSettle(t, s.id, 'Remember that I water the plants on Mondays.');
      const [notice] = notices(await eventually(async () => (await t.client.listMessages(s.id)).messages, (m) => notices(m).length > 0, 'the memory notice'));
      expect(notice.content).toMatch(/^Nothing was remembered: the memory model/);
    });
  });
});
