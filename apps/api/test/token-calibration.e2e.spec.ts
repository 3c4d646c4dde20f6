import { ModelRunner } from '@switchboard/models/server';
import { TOKEN_CALIBRATION_PREFERENCE } from '../src/engine/token-calibration.sync';
import { queryDatabase, startTestApi, type TestApi } from './harness';

describe('token calibration across restarts (e2e)', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });

  const text = 'x'.repeat(400);
  const counted = () => t.api.app.get(ModelRunner).tokens.forModel('main')(text);

  it('saves what a provider without a tokenizer reports and starts calibrated after a restart', async () => {
    expect(counted()).toBe(100);
    // The fake model reports twice the input tokens we estimate (and far more than the 32 a sample needs).
    t.fake.addRule({ model: 'fake-main', reply: 'ok', times: 1, usage: { promptTokens: 2 * 600, completionTokens: 1 } });
    const s = await t.client.createSession({ channel: 'api', peerId: 'calibration' });
    await t.client.sendMessage(s.id, { text: 'y'.repeat(2000), wait: true });
    const learned = counted();
    expect(learned).toBeGreaterThan(150);

    await t.restart();
    expect(counted()).toBe(learned);
    const [row] = await queryDatabase<{ value: string }>(t, 'SELECT value FROM preferences WHERE key = ?', [TOKEN_CALIBRATION_PREFERENCE]);
    // Other models calibrated by the turn's side work (a title) are kept too.
    expect(JSON.parse(row.value)).toMatchObject({ main: { model: 'fake-main', ratio: expect.any(Number) } });
  });
});
