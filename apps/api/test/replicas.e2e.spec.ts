import { rmSync } from 'node:fs';
import OpenAI from 'openai';
import type { ServerEventMap } from '@switchboard/protocol';
import { createPostgresTestDatabase, type PostgresTestDatabase } from '@switchboard/persistence/testing';
import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';
import { apiTestEnv, FAKE_KEY, startApiProcess, type NodeProcess } from '@switchboard/tools/testing';
import { clientFor, describeMainPassOnly, eventually, startTestApi, testConfig, TEST_TOKEN, type TestApi } from './harness';

/** A replica tells the others what its watchers want within milliseconds (a debounced notification); tests give it that long. */
const othersLearnWhatIsWatched = () => new Promise((r) => setTimeout(r, 200));


describeMainPassOnly('API replicas on one PostgreSQL database (in-process replicas)', () => {
  let fake: FakeLlmServer;
  let db: PostgresTestDatabase;
  let a: TestApi;
  let b: TestApi;

  const replica = (id: string) => startTestApi({ fake, env: { DATABASE_URL: db.url, SWITCHBOARD_REPLICA_ID: id, SWITCHBOARD_TURN_LEASE_SECONDS: '3' } });

  beforeAll(async () => {
    fake = await startFakeLlm({ apiKey: FAKE_KEY });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(async () => {
    db = await createPostgresTestDatabase();
    a = await replica('replica-a');
    b = await replica('replica-b');
  });
  afterEach(async () => {
    await Promise.allSettled([a.close(), b.close()]);
    await db.drop();
  });

  it("shows a turn that runs on A to a watcher on B: deltas, completion, session versions, queue and engine switches", async () => {
    fake.addRule({ match: 'stream across', reply: 'one two three four five six', firstTokenDelayMs: 100, chunkDelayMs: 20 });
    const s = await a.client.createSession({ peerId: 'cross' });
    const ws = await b.socket();
    await ws.subscribe(s.id);
    const onA = await a.socket();
    await onA.subscribe(s.id);
    const versionsOnA: number[] = [];
    onA.on('session.updated', (p) => versionsOnA.push(p.version));
    await othersLearnWhatIsWatched();
    const deltas: string[] = [];
    const completed: Array<ServerEventMap['message.completed']> = [];
    const versions: number[] = [];
    const queues: Array<ServerEventMap['queue.updated']> = [];
    const switches: Array<ServerEventMap['engine.switched']> = [];
    ws.on('message.delta', (p) => deltas.push(p.delta));
    ws.on('message.completed', (p) => completed.push(p));
    ws.on('session.updated', (p) => versions.push(p.version));
    ws.on('queue.updated', (p) => queues.push(p));
    ws.on('engine.switched', (p) => switches.push(p));

    await a.client.setSessionModel(s.id, 'quick');
    await a.client.sendMessage(s.id, { text: 'stream across' });
    await a.client.sendMessage(s.id, { text: 'then on main', model: 'main' });
    await eventually(() => completed.filter((c) => c.message.role === 'assistant'), (c) => c.length === 2, 'both replies seen on B');

    expect(deltas.join('')).toContain('one two three four five six');
    expect(completed[0].message.content).toBe('one two three four five six');
    expect(completed[1].message.content).toBe('Echo: then on main');
    // B sees the session's versions as A's own watcher does: in order, never going back (two
    // events about one change, e.g. its model and its queue, share that change's version).
    await eventually(() => versions, (v) => v.length === versionsOnA.length, 'every session event on B');
    expect(versions).toEqual(versionsOnA);
    expect(versions.length).toBeGreaterThan(3);
    expect(versions.every((v, i) => i === 0 || v >= versions[i - 1])).toBe(true);
    expect(queues.some((q) => q.queue.length === 1 && q.queue[0].text === 'then on main')).toBe(true);
    expect(queues.at(-1)!.queue).toHaveLength(0);
    expect(switches.map((x) => [x.from.modelConfigId, x.to.modelConfigId])).toEqual([['quick', 'main']]);
  });

  it("counts a turn in the metrics of the replica that ran it only, and B's metrics watcher does not pull A's events across", async () => {
    const turnsOn = async (api: TestApi) => {
      const res = await fetch(`${api.api.url}/metrics`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
      const line = (await res.text()).split('\n').find((l) => l.startsWith('switchboard_turns_total{') && l.includes('status="complete"'));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    // B's own dashboard watches one session, so B is a live replica with interest in something else.
    const other = await b.client.createSession({ peerId: 'metrics-other' });
    await (await b.socket()).subscribe(other.id);
    await othersLearnWhatIsWatched();
    const s = await a.client.createSession({ peerId: 'metrics-a' });
    await a.client.sendMessage(s.id, { text: 'counted once', wait: true });
    await a.client.sendMessage(s.id, { text: 'and again', wait: true });
    await eventually(() => turnsOn(a), (n) => n === 2, "A's two turns in A's metrics");
    expect(await turnsOn(b)).toBe(0);
  });

  it('runs exactly one turn for two sends to an idle session on two replicas at the same instant; both answered once, in order', async () => {
    fake.addRule({ match: /^race /, reply: (req) => `done ${String(req.messages.at(-1)!.content)}`, firstTokenDelayMs: 50 });
    const s = await a.client.createSession({ peerId: 'race' });
    for (let round = 0; round < 5; round++) {
      const [ra, rb] = await Promise.all([
        a.client.sendMessage(s.id, { text: `race ${round} a`, wait: true }),
        b.client.sendMessage(s.id, { text: `race ${round} b`, wait: true }),
      ]);
      // One ran at once, the other queued; both came back with their own reply.
      expect([ra.queued, rb.queued].filter(Boolean)).toHaveLength(1);
      expect(ra.reply?.content).toBe(`done race ${round} a`);
      expect(rb.reply?.content).toBe(`done race ${round} b`);
    }
    const { messages } = await b.client.listMessages(s.id, { limit: 200 });
    const texts = messages.filter((m) => m.kind === 'text').map((m) => `${m.role}:${m.content}`);
    // Every user message is followed by its own reply, none twice.
    for (let i = 0; i < texts.length; i += 2) expect(texts[i + 1]).toBe(`assistant:done ${texts[i].slice('user:'.length)}`);
    expect(texts).toHaveLength(20);
  });

  it('answers wait: true and the OpenAI door stream on B for a message queued there and run by A', async () => {
    fake.addRule({ match: 'long on a', reply: 'a '.repeat(30), firstTokenDelayMs: 300, chunkDelayMs: 10 });
    const s = await a.client.createSession({ channel: 'api', peerId: 'oa-cross' });
    await a.client.sendMessage(s.id, { text: 'long on a' });
    await eventually(() => b.client.getSession(s.id), (x) => x.status === 'running', 'running on A');

    const openai = new OpenAI({ baseURL: `${b.api.url}/v1`, apiKey: TEST_TOKEN, maxRetries: 0 });
    const stream = await openai.chat.completions.create(
      { model: 'switchboard', stream: true, messages: [{ role: 'user', content: 'streamed from B' }] },
      { headers: { 'X-Session-Key': 'oa-cross' } },
    );
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Echo: streamed from B');

    await eventually(() => b.client.getSession(s.id), (x) => x.status === 'idle', 'idle');
    await a.client.sendMessage(s.id, { text: 'long on a' });
    const waited = await b.client.sendMessage(s.id, { text: 'waited on B', wait: true });
    expect(waited.queued).toBe(true);
    expect(waited.reply?.content).toBe('Echo: waited on B');
  });

  it('stops a turn running on A when B is asked to', async () => {
    fake.addRule({ match: 'stop me', reply: 'x '.repeat(500), firstTokenDelayMs: 50, chunkDelayMs: 20 });
    const s = await a.client.createSession({ peerId: 'stop' });
    await a.client.sendMessage(s.id, { text: 'stop me' });
    await eventually(async () => (await a.client.listMessages(s.id)).messages, (m) => m.some((x) => x.role === 'assistant' && x.content.length > 0), 'streaming');
    expect((await b.client.abort(s.id)).aborted).toBe(true);
    const msgs = await eventually(async () => (await b.client.listMessages(s.id)).messages, (m) => m.some((x) => x.role === 'assistant' && x.status === 'interrupted'), 'stopped');
    expect(msgs.find((x) => x.role === 'assistant')!.content.length).toBeLessThan(1000);
    expect((await b.client.getSession(s.id)).status).not.toBe('running');
  });

  it('puts a default model set on A in force on B, with its event', async () => {
    const ws = await b.socket();
    await ws.subscribe();
    await othersLearnWhatIsWatched();
    const seen: string[] = [];
    ws.on('settings.updated', (p) => seen.push(p.defaultModel.modelConfigId));
    await a.client.setDefaultModel('quick');
    await eventually(() => seen, (x) => x.includes('quick'), 'settings.updated on B');
    await eventually(async () => (await b.client.listModels()).defaultModel.modelConfigId, (id) => id === 'quick', 'default on B');
    const s = await b.client.createSession({ peerId: 'default-follows' });
    const sent = await b.client.sendMessage(s.id, { text: 'which model', wait: true });
    expect(sent.reply?.modelConfigId).toBe('quick');
  });

  it('keeps memory consistent: settings changed on A are in force on B, a memory deleted on A is gone from B', async () => {
    expect((await b.client.getMemorySettings()).enabled).toBe(true);
    await a.client.setMemorySettings({ enabled: false });
    await eventually(async () => (await b.client.getMemorySettings()).enabled, (on) => on === false, 'memory off on B');
    await a.client.setMemorySettings({ enabled: true });
    await eventually(async () => (await b.client.getMemorySettings()).enabled, (on) => on === true, 'memory on again on B');

    const made = await a.client.createMemory({ content: 'The user keeps bees on the roof in Lisbon' });
    expect(made.action).toBe('accepted');
    expect((await b.client.listMemories({ q: 'bees roof' })).memories.map((m) => m.id)).toEqual([made.memory!.id]);
    await a.client.deleteMemory(made.memory!.id);
    expect((await b.client.listMemories({ q: 'bees roof' })).memories).toEqual([]);
    expect((await b.client.listMemories()).memories.some((m) => m.id === made.memory!.id)).toBe(false);
  });

  it('drops what B waits on for a conversation deleted on A', async () => {
    fake.addRule({ match: 'hold the session', reply: 'held', firstTokenDelayMs: 1500 });
    const s = await a.client.createSession({ peerId: 'deleted-elsewhere' });
    await a.client.sendMessage(s.id, { text: 'hold the session' });
    await eventually(() => b.client.getSession(s.id), (x) => x.status === 'running', 'running on A');
    const waiting = b.client.sendMessage(s.id, { text: 'waits on B', wait: true });
    await eventually(() => a.client.getSession(s.id), (x) => x.queueLength === 1, 'queued');
    await a.client.deleteSession(s.id);
    const outcome = await waiting;
    // The send was accepted (queued); its reply never comes because the conversation is gone.
    expect(outcome.queued).toBe(true);
    expect(outcome.reply).toBeUndefined();
  });

  it("does not interrupt A's running turn when B restarts", async () => {
    fake.addRule({ match: 'survive', reply: 'kept going to the end', firstTokenDelayMs: 1500, chunkDelayMs: 10 });
    const s = await a.client.createSession({ peerId: 'restart' });
    await a.client.sendMessage(s.id, { text: 'survive' });
    await eventually(() => a.client.getSession(s.id), (x) => x.status === 'running', 'running');
    await b.restart();
    const msgs = await eventually(async () => (await b.client.listMessages(s.id)).messages, (m) => m.some((x) => x.role === 'assistant' && x.status !== 'streaming'), 'finished');
    expect(msgs.find((x) => x.role === 'assistant')).toMatchObject({ status: 'complete', content: 'kept going to the end' });
    expect(msgs.some((x) => x.kind === 'turn_interrupted')).toBe(false);
  });
});

describeMainPassOnly('API replicas on one PostgreSQL database (real processes)', () => {
  let fake: FakeLlmServer;
  let db: PostgresTestDatabase;
  const children: NodeProcess[] = [];
  const dirs: string[] = [];

  const replicaProcess = async (id: string) => {
    const { dataDir, env } = apiTestEnv(testConfig(fake), { token: TEST_TOKEN });
    dirs.push(dataDir);
    const p = await startApiProcess({ ...env, DATABASE_URL: db.url, SWITCHBOARD_REPLICA_ID: id, SWITCHBOARD_TURN_LEASE_SECONDS: '3' });
    children.push(p);
    return p;
  };

  beforeAll(async () => {
    fake = await startFakeLlm({ apiKey: FAKE_KEY });
    db = await createPostgresTestDatabase();
  });
  afterAll(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await fake.close();
    await db.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('shows a turn running in process A to a watcher of process B, and gives two simultaneous sends one turn each, in order', async () => {
    fake.addRule({ match: 'across processes', reply: 'alpha beta gamma delta', firstTokenDelayMs: 50, chunkDelayMs: 20 });
    fake.addRule({ match: /^proc race /, reply: (req) => `done ${String(req.messages.at(-1)!.content)}`, firstTokenDelayMs: 50 });
    const a = await replicaProcess('proc-events-a');
    const b = await replicaProcess('proc-events-b');
    const ca = clientFor(a.url);
    const cb = clientFor(b.url);
    const s = await ca.createSession({ peerId: 'processes' });
    const ws = await cb.connect();
    await ws.subscribe(s.id);
    await othersLearnWhatIsWatched();
    const deltas: string[] = [];
    const completed: string[] = [];
    ws.on('message.delta', (p) => deltas.push(p.delta));
    ws.on('message.completed', (p) => completed.push(p.message.content));
    await ca.sendMessage(s.id, { text: 'across processes', wait: true });
    await eventually(() => completed, (c) => c.includes('alpha beta gamma delta'), 'completion seen on B');
    expect(deltas.join('')).toBe('alpha beta gamma delta');
    for (let round = 0; round < 3; round++) {
      const [ra, rb] = await Promise.all([
        ca.sendMessage(s.id, { text: `proc race ${round} a`, wait: true }),
        cb.sendMessage(s.id, { text: `proc race ${round} b`, wait: true }),
      ]);
      expect([ra.queued, rb.queued].filter(Boolean)).toHaveLength(1);
      expect([ra.reply?.content, rb.reply?.content]).toEqual([`done proc race ${round} a`, `done proc race ${round} b`]);
    }
    ws.close();
    await Promise.all([a.stop(), b.stop()]);
  });

  it("leaves process A's running turn alone when process B restarts", async () => {
    fake.addRule({ match: 'outlives a restart', reply: 'finished where it began', firstTokenDelayMs: 2500 });
    const a = await replicaProcess('proc-stay-a');
    let b = await replicaProcess('proc-stay-b');
    const ca = clientFor(a.url);
    const s = await ca.createSession({ peerId: 'restart-process' });
    await ca.sendMessage(s.id, { text: 'outlives a restart' });
    await eventually(() => ca.getSession(s.id), (x) => x.status === 'running', 'running on A');
    await b.stop();
    b = await replicaProcess('proc-stay-b');
    const msgs = await eventually(async () => (await clientFor(b.url).listMessages(s.id)).messages, (m) => m.some((x) => x.role === 'assistant' && x.status !== 'streaming'), 'finished');
    expect(msgs.find((x) => x.role === 'assistant')).toMatchObject({ status: 'complete', content: 'finished where it began' });
    expect(msgs.some((x) => x.kind === 'turn_interrupted')).toBe(false);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('recovers a turn whose replica was killed (kill -9) within the lease, keeps its partial reply and drains its queue on the survivor', async () => {
    fake.addRule({ match: 'dies mid-way', reply: 'word '.repeat(400), firstTokenDelayMs: 20, chunkDelayMs: 40 });
    const a = await replicaProcess('proc-a');
    const b = await replicaProcess('proc-b');
    const ca = clientFor(a.url);
    const cb = clientFor(b.url);
    const s = await ca.createSession({ peerId: 'killed' });
    const ws = await cb.connect();
    await ws.subscribe(s.id);
    await othersLearnWhatIsWatched();
    const completed: Array<ServerEventMap['message.completed']> = [];
    ws.on('message.completed', (p) => completed.push(p));

    await ca.sendMessage(s.id, { text: 'dies mid-way' });
    await ca.sendMessage(s.id, { text: 'queued behind it' });
    await eventually(async () => (await cb.listMessages(s.id)).messages, (m) => m.some((x) => x.role === 'assistant' && x.content.length > 0), 'partial reply saved');
    a.child.kill('SIGKILL');
    const killedAt = Date.now();

    const msgs = await eventually(
      async () => (await cb.listMessages(s.id)).messages,
      (m) => m.some((x) => x.role === 'assistant' && x.status === 'complete'),
      'recovered and drained on B',
      20_000,
    );
    const recoveredIn = Date.now() - killedAt;
    // A 3 s lease, checked every second: recovered well within the lease and a round.
    expect(recoveredIn).toBeLessThan(10_000);
    const interrupted = msgs.find((x) => x.role === 'assistant' && x.status === 'interrupted')!;
    expect(interrupted.content.startsWith('word')).toBe(true);
    expect(msgs.some((x) => x.kind === 'turn_interrupted')).toBe(true);
    expect(msgs.filter((x) => x.role === 'user').map((x) => x.content)).toEqual(['dies mid-way', 'queued behind it']);
    expect(msgs.find((x) => x.role === 'assistant' && x.status === 'complete')!.content).toBe('Echo: queued behind it');
    // B's watchers were told: the interrupted reply ended, then the queued one completed.
    await eventually(() => completed.map((c) => c.message.status), (x) => x.includes('interrupted') && x.includes('complete'), 'events on B');
    ws.close();
  });
});
