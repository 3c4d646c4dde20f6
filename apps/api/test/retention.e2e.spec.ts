import { writeFileSync } from 'node:fs';
import { fakeCatalog } from '@switchboard/tools/testing';
import { eventually, queryDatabase, startTestApi, type TestApi } from './harness';

describe('retention: the scheduler deletes idle conversations the settings let go', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({ config: (fake) => fakeCatalog(fake, { retention: { machineDays: 7 } }) });
  });
  afterAll(async () => {
    await t.close();
  });

  /** Makes conversations look idle since `daysAgo` (an outside writer, as time would). */
  async function age(ids: string[], daysAgo: number): Promise<void> {
    const when = new Date(Date.now() - daysAgo * 24 * 3600 * 1000).toISOString();
    for (const id of ids) await queryDatabase(t, `UPDATE "sessions" SET "last_activity_at" = ? WHERE "id" = ?`, [when, id]);
  }

  it('deletes machine-made conversations after machineDays and keeps people’s by default; conversationDays takes the rest', async () => {
    const job = await t.client.createSession({ channel: 'job', peerId: 'nightly-digest' });
    const ephemeral = await t.client.createSession({ channel: 'api', peerId: 'ephemeral-0b7e' });
    const integrator = await t.client.createSession({ channel: 'api', peerId: 'crm-contact-42' });
    const web = await t.client.createSession({ channel: 'web', peerId: 'dash-1' });
    await t.client.sendMessage(web.id, { text: 'keep me', wait: true });
    const recentJob = await t.client.createSession({ channel: 'job', peerId: 'hourly' });
    await age([job.id, ephemeral.id, integrator.id, web.id], 30);
    await age([recentJob.id], 2);

    await t.restart(); // a sweep runs at start
    const ids = async () => (await t.client.listSessions()).sessions.map((s) => s.id);
    await eventually(ids, (list) => !list.includes(job.id) && !list.includes(ephemeral.id), 'machine-made conversations deleted');
    expect(await ids()).toEqual(expect.arrayContaining([integrator.id, web.id, recentJob.id]));
    expect((await t.client.listMessages(web.id)).messages.length).toBeGreaterThan(0);

    writeFileSync(t.env.SWITCHBOARD_CONFIG, JSON.stringify(fakeCatalog(t.fake, { retention: { machineDays: 7, conversationDays: 14 } })));
    await t.restart();
    await eventually(ids, (list) => !list.includes(web.id) && !list.includes(integrator.id), 'old conversations deleted');
    expect(await ids()).toContain(recentJob.id);
  });
});
