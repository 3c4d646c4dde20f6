/** Who edited a memory and when, from its history, over real HTTP (the API acts as the owner). */
import { startTestApi, type TestApi } from './harness';

describe('memory edits show who and when (e2e)', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a new memory has no edit; an edit names the owner and its time, in the reply and in the list', async () => {
    const created = (await t.client.createMemory({ content: 'The user likes green tea.', scope: 'person', personId: 'owner' })).memory!;
    const listed = (await t.client.listMemories({ personId: 'owner' })).memories.find((m) => m.id === created.id)!;
    expect(listed).toMatchObject({ editedAt: null, editedBy: null });

    const before = Date.now();
    const edited = await t.client.updateMemory(created.id, { content: 'The user likes green tea, unsweetened.' });
    expect(edited.editedBy).toBe('owner');
    expect(Date.parse(edited.editedAt!)).toBeGreaterThanOrEqual(before - 1000);

    const again = (await t.client.listMemories({ personId: 'owner' })).memories.find((m) => m.id === created.id)!;
    expect(again).toMatchObject({ content: 'The user likes green tea, unsweetened.', editedBy: 'owner', editedAt: edited.editedAt });
  });

  it('a refused edit records no edit', async () => {
    const created = (await t.client.createMemory({ content: 'The user plays chess on Sundays.', scope: 'person', personId: 'owner' })).memory!;
    await expect(t.client.updateMemory(created.id, { content: 'x'.repeat(5000) })).rejects.toMatchObject({ status: 400 });
    const listed = (await t.client.listMemories({ personId: 'owner' })).memories.find((m) => m.id === created.id)!;
    expect(listed).toMatchObject({ content: 'The user plays chess on Sundays.', editedAt: null, editedBy: null });
  });
});
